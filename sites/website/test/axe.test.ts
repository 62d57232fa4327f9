// axe-core (WCAG 2.1 A/AA, contrast included) on every built page of the website, in Debian's
// Chromium: no violation at all, whatever its impact.
import t from 'tap'
import { axePages, browserSkip, serveStatic } from '../../test-kit/axe.ts'
import { buildSite, pagePaths } from './site.ts'
import { turnstileScriptUrl } from '../src/data/contact.ts'

// The contact pages render Turnstile: a stand-in that draws a box, as the widget does.
const turnstile = 'window.turnstile = { render (s) { document.querySelector(s).textContent = "Turnstile (test)"; return "w" }, reset () {}, getResponse () {} }'

t.test('no WCAG 2.1 A/AA violation found by axe on any page', { skip: browserSkip }, async t => {
  const { outDir, remove } = await buildSite('axe-test')
  const { base, server } = await serveStatic(outDir)
  t.teardown(async () => { server.close(); await remove() })
  const paths = pagePaths(outDir)
  const results = await axePages(base, paths, {
    impacts: null,
    prepare: context => context.route(turnstileScriptUrl, route => route.fulfill({ contentType: 'text/javascript', body: turnstile }))
  })
  t.equal(results.size, paths.length, `axe ran on all ${paths.length} pages`)
  for (const [path, violations] of results) t.same(violations, [], `${path}: no violations`)
})
