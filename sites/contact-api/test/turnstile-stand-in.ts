// Stands in for https://challenges.cloudflare.com/turnstile/v0/api.js in browser tests (served
// through Playwright's page.route). Implements the documented client API
// (developers.cloudflare.com/turnstile/get-started/client-side-rendering):
//   turnstile.render(container, { sitekey, callback, 'error-callback', 'expired-callback', action,
//     cData, 'response-field', 'response-field-name', ... }) -> widgetId
//   turnstile.reset(widgetId?), turnstile.remove(widgetId?), turnstile.getResponse(widgetId?),
//   turnstile.isExpired(widgetId?), turnstile.ready(fn), turnstile.execute(container, params)
// Script URL parameters: `render=explicit` (otherwise `.cf-turnstile` elements render by
// themselves, implicit mode) and `onload=<global function name>`, called once the API is ready.
// Each solve issues a fresh single-use token starting with "pass", which the siteverify stand-in
// accepts once. window.__turnstileStandIn records the calls for the test.
//
// It is plain browser JavaScript kept in a string (this repo's TypeScript has no DOM types, and a
// .js file here would be picked up as a test file by tap).
export const turnstileStandInScript = String.raw`
(() => {
  const script = document.currentScript
  const params = new URL(script ? script.src : location.href).searchParams
  const widgets = new Map()
  let next = 0
  const log = { renders: [], resets: 0, tokens: [] }
  window.__turnstileStandIn = log

  const resolve = container => typeof container === 'string' ? document.querySelector(container) : container
  const pick = id => id === undefined ? widgets.values().next().value : widgets.get(id) ?? [...widgets.values()].find(w => w.el === resolve(id))

  function solve (widget) {
    const token = 'pass.' + widget.params.sitekey + '.' + Math.random().toString(36).slice(2) + Date.now().toString(36)
    widget.token = token
    log.tokens.push(token)
    if (widget.input) widget.input.value = token
    widget.box.textContent = 'Success!'
    widget.box.dataset.state = 'solved'
    if (typeof widget.params.callback === 'function') widget.params.callback(token)
    else if (typeof widget.params.callback === 'string' && typeof window[widget.params.callback] === 'function') window[widget.params.callback](token)
  }

  function render (container, options = {}) {
    const el = resolve(container)
    if (!el) throw new Error('[Cloudflare Turnstile] Could not find the container.')
    const p = { ...options }
    for (const [k, v] of Object.entries(el.dataset)) if (!(k in p)) p[k === 'sitekey' ? 'sitekey' : k] = v
    if (!p.sitekey) throw new Error('[Cloudflare Turnstile] Invalid or missing type for parameter "sitekey".')
    const id = 'cf-chl-widget-' + (next++).toString(36)
    const box = document.createElement('div')
    box.className = 'turnstile-stand-in'
    box.setAttribute('role', 'img')
    box.setAttribute('aria-label', 'Turnstile (test stand-in)')
    box.style.cssText = 'width:300px;height:65px;border:1px solid #ccc;display:flex;align-items:center;justify-content:center;font:14px sans-serif'
    box.textContent = 'Verifying...'
    el.appendChild(box)
    let input = null
    if (p['response-field'] !== false && p.responseField !== 'false') {
      input = document.createElement('input')
      input.type = 'hidden'
      input.name = p['response-field-name'] || p.responseFieldName || 'cf-turnstile-response'
      input.id = id + '_response'
      el.appendChild(input)
    }
    const widget = { id, el, box, input, params: p, token: '' }
    widgets.set(id, widget)
    log.renders.push({ id, sitekey: p.sitekey, action: p.action ?? null, container: el.id || null })
    setTimeout(() => { if (widgets.has(id)) solve(widget) }, 30)
    return id
  }

  window.turnstile = {
    render,
    execute (container, options) { const w = pick(container); if (w) solve(w); else render(container, options) },
    reset (id) {
      const w = pick(id)
      if (!w) return
      log.resets++
      w.token = ''
      if (w.input) w.input.value = ''
      w.box.textContent = 'Verifying...'
      w.box.dataset.state = ''
      setTimeout(() => { if (widgets.has(w.id)) solve(w) }, 30)
    },
    remove (id) { const w = pick(id); if (w) { w.box.remove(); w.input?.remove(); widgets.delete(w.id) } },
    getResponse (id) { return pick(id)?.token || undefined },
    isExpired () { return false },
    ready (fn) { queueMicrotask(fn) }
  }

  if (params.get('render') !== 'explicit') {
    const implicit = () => document.querySelectorAll('.cf-turnstile').forEach(el => render(el))
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', implicit)
    else implicit()
  }
  const onload = params.get('onload')
  if (onload) setTimeout(() => { if (typeof window[onload] === 'function') window[onload]() }, 0)
})()
`
