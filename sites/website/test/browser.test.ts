// The built website in Debian's headless Chromium: the home page in both languages (console,
// requests, language switch, no sideways scrolling at 375 px, screenshots) and the contact form
// against a local server that speaks the contact API's contract. axe runs in axe.test.ts.
import t from 'tap'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { buildSite, serve } from './site.ts'
import { turnstileScriptUrl } from '../src/data/contact.ts'
import { dictionaries } from '../src/i18n/index.ts'
import { plannedModules } from '../../catalogue/modules.ts'
import type { Browser, BrowserContext, Page } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'
const shots = fileURLToPath(new URL('./screenshots/', import.meta.url))
const skip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (.ci/run installs it)`
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Console errors, page errors, failed and non-local requests, and HTTP errors seen by a page. */
function watch (page: Page): string[] {
  const problems: string[] = []
  page.on('console', msg => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`) })
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', request => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`))
  page.on('response', response => { if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`) })
  page.on('request', request => {
    const url = new URL(request.url())
    if (url.hostname !== '127.0.0.1' && url.protocol !== 'data:' && url.href !== turnstileScriptUrl) problems.push(`not local: ${url.href}`)
  })
  return problems
}

/** A stand-in for sites/contact-api on 127.0.0.1: answers as its contract says, by the message text. */
function contactApi (received: unknown[]) {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const cors = { 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'POST' }
    if (req.method === 'OPTIONS') { res.writeHead(204, cors).end(); return }
    let raw = ''
    req.on('data', (chunk: Buffer) => { raw += chunk.toString() })
    req.on('end', () => {
      const body = JSON.parse(raw) as { message: string }
      received.push(body)
      const reply = (status: number, json: unknown) => res.writeHead(status, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(json))
      if (body.message.includes('PROVIDER-DOWN')) reply(502, { ok: false, code: 'mail_failed', message: 'Mail provider failed' })
      else if (body.message.includes('SLOW-DOWN')) res.writeHead(429, { ...cors, 'access-control-expose-headers': 'Retry-After', 'retry-after': '120', 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, code: 'rate_limited', message: 'Too many requests' }))
      else if (body.message.includes('BAD-EMAIL')) reply(400, { ok: false, code: 'invalid_input', message: 'Invalid input', fields: { email: 'format' } })
      else reply(200, { ok: true, id: '6f1c2a52-8d0e-4a57-9f65-2b1b3c6d7e80' })
    })
  })
}

// A Turnstile that always passes, for the explicit-render API the page uses. Like the real
// widget, it issues a fresh token a moment after a reset (a token is good for one check).
const en = dictionaries.en

const fakeTurnstile = `(() => {
  let options
  const issue = ms => setTimeout(() => options.callback('test-token-' + Date.now()), ms)
  window.turnstile = {
    render (selector, opts) {
      options = opts
      document.querySelector(selector).textContent = 'Turnstile (test) ' + opts.sitekey
      issue(0)
      return 'widget-1'
    },
    reset () { issue(300) },
    getResponse () { return undefined }
  }
})()`

t.test('the website in Chromium', { skip }, async t => {
  const { chromium } = await import('playwright-core')
  mkdirSync(shots, { recursive: true })
  const received: unknown[] = []
  const api = contactApi(received)
  await new Promise<void>(resolve => api.listen(0, '127.0.0.1', resolve))
  const apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}/api/contact`
  const { outDir, remove } = await buildSite('browser-test', { SITES_MODE: 'development', CONTACT_API_URL: apiUrl })
  const { base, server } = await serve(outDir)
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: launchArgs })
  t.teardown(async () => {
    await browser.close()
    server.close()
    api.close()
    await remove()
  })

  async function open (path: string, viewport: { width: number, height: number }): Promise<{ context: BrowserContext, page: Page, problems: string[] }> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 })
    await context.route(turnstileScriptUrl, route => route.fulfill({ contentType: 'text/javascript', body: fakeTurnstile }))
    const page = await context.newPage()
    const problems = watch(page)
    await page.goto(base + path, { waitUntil: 'networkidle' })
    return { context, page, problems }
  }

  for (const [lang, path, other] of [['pl', '/', '/en/'], ['en', '/en/', '/']] as const) {
    await t.test(`home page, ${lang}`, async t => {
      const desktop = await open(path, { width: 1280, height: 800 })
      t.equal(await desktop.page.getAttribute('html', 'lang'), lang, '<html lang>')
      t.equal(await desktop.page.locator('h1').textContent(), dictionaries[lang].home.hero.title, 'the hero heading in the page\'s language')
      const desktopShot = `${shots}home-${lang}-desktop.png`
      await desktop.page.screenshot({ path: desktopShot, fullPage: true })
      await desktop.page.locator('a[data-testid="language-switch"]:visible').click()
      await desktop.page.waitForURL(base + other)
      t.equal(await desktop.page.getAttribute('html', 'lang'), lang === 'pl' ? 'en' : 'pl', 'the language switch leads to the counterpart page')
      t.same(desktop.problems, [], 'no console errors, failed or outside requests (desktop)')
      await desktop.context.close()

      const mobile = await open(path, { width: 375, height: 812 })
      const widths = await mobile.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }))
      t.ok(widths.scroll <= widths.client, `no horizontal overflow at 375 px (scrollWidth ${widths.scroll}, clientWidth ${widths.client})`)
      const mobileShot = `${shots}home-${lang}-mobile.png`
      await mobile.page.screenshot({ path: mobileShot, fullPage: true })
      const toggle = mobile.page.locator('details[data-mobile-menu] > summary')
      await toggle.click()
      const menu = mobile.page.locator('details[data-mobile-menu] nav')
      t.ok(await menu.isVisible(), 'the menu button opens the navigation')
      t.equal(await menu.getByRole('link').count(), plannedModules.length + 5, 'every module, pricing, contact, docs, sign-in and the call to action')
      await mobile.page.screenshot({ path: `${shots}home-${lang}-mobile-menu.png` })
      await mobile.page.keyboard.press('Escape')
      t.notOk(await menu.isVisible(), 'Escape closes the menu')
      t.same(mobile.problems, [], 'no console errors, failed or outside requests (mobile)')
      await mobile.context.close()

      for (const shot of [desktopShot, mobileShot]) {
        t.ok(statSync(shot).size > 30_000, `${shot.slice(shots.length)} is a real screenshot (${statSync(shot).size} bytes)`)
      }
    })
  }

  await t.test('contact form: field errors, success and API errors', async t => {
    const { context, page, problems } = await open('/en/contact/', { width: 1280, height: 900 })
    const status = page.getByTestId('contact-status')
    await page.getByText('Turnstile (test)').waitFor()

    await page.getByRole('button', { name: en.contact.form.submit }).click()
    t.equal(await status.getAttribute('data-state'), 'error', 'an empty form is not sent')
    t.equal(await page.locator('#contact-email-error').textContent(), en.contact.fieldErrors.required, 'the error is next to the field')
    t.equal(await page.getByLabel(en.contact.form.name).getAttribute('aria-invalid'), 'true', 'the field is marked invalid')
    t.equal(received.length, 0, 'nothing reached the API')

    const fill = async (message: string) => {
      await page.getByLabel(en.contact.form.name).fill('Jane Doe')
      await page.getByLabel(en.contact.form.email).fill('jane@example.com')
      await page.getByLabel(en.contact.form.message).fill(message)
    }
    await fill('We look after 40 clients and would like a demo.')
    await page.getByRole('button', { name: en.contact.form.submit }).click()
    await page.locator('[data-testid="contact-status"][data-state="success"]').waitFor()
    t.equal(await status.textContent(), en.contact.status.success, 'the success message')
    t.match(received[0], {
      name: 'Jane Doe', email: 'jane@example.com', company: '', message: 'We look after 40 clients and would like a demo.',
      locale: 'en', website: '', turnstileToken: /^test-token-/
    }, 'the API got the contract\'s body')
    t.same(Object.keys(received[0] as object).sort(), ['company', 'email', 'locale', 'message', 'name', 'turnstileToken', 'website'], 'and nothing else')
    t.equal(await page.getByLabel(en.contact.form.message).inputValue(), '', 'the form is cleared')
    await page.evaluate('window.scrollTo(0, 0)') // a sticky header scrolled down repeats in a full-page shot
    await page.screenshot({ path: `${shots}contact-en-success.png`, fullPage: true })

    await fill('Please answer quickly: PROVIDER-DOWN')
    await page.getByRole('button', { name: en.contact.form.submit }).click()
    await page.locator('[data-testid="contact-status"][data-state="error"]').waitFor()
    t.equal(await status.textContent(), en.contact.status.codes.mail_failed, 'a 502 mail_failed shows its message')

    await fill('The server will not like this: BAD-EMAIL')
    await page.getByRole('button', { name: en.contact.form.submit }).click()
    await page.locator('#contact-email-error:not(:empty)').waitFor()
    t.equal(await page.locator('#contact-email-error').textContent(), en.contact.fieldErrors.format, 'the API\'s field error is shown next to the field')
    t.equal(await status.textContent(), en.contact.status.codes.invalid_input, 'with the invalid_input message')
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: `${shots}contact-en-error.png`, fullPage: true })
    // Characters as the API counts them: "😀" is one (two UTF-16 units).
    await page.getByLabel(en.contact.form.message).fill('😀'.repeat(9))
    await page.getByRole('button', { name: en.contact.form.submit }).click()
    await page.locator('#contact-message-error:not(:empty)').waitFor()
    t.equal(await page.locator('#contact-message-error').textContent(), en.contact.fieldErrors.too_short.replace('{min}', '10').replace('{max}', '5000'), '9 × 😀 is 9 characters: too short, though 18 UTF-16 units')
    const before = received.length
    await page.getByLabel(en.contact.form.name).fill('😀'.repeat(100))
    await page.getByLabel(en.contact.form.message).fill('😀'.repeat(10))
    await page.getByRole('button', { name: en.contact.form.submit }).click()
    await page.locator('[data-testid="contact-status"][data-state="success"]').waitFor()
    t.match(received[before], { name: '😀'.repeat(100), message: '😀'.repeat(10) }, '100 × 😀 as the name (the maximum) and 10 × 😀 as the message are sent whole')

    await fill('Sending too often: SLOW-DOWN')
    await page.getByRole('button', { name: en.contact.form.submit }).click()
    await page.locator('[data-testid="contact-status"][data-state="error"]').waitFor()
    t.equal(await status.textContent(), en.contact.status.rateLimitedFor.replace('{wait}', '2 minutes'), 'a 429 with Retry-After: 120 tells to try again in 2 minutes')

    const apiErrors = (p: string) => (p.startsWith('HTTP ') && p.endsWith(apiUrl)) || p.startsWith('console: Failed to load resource: the server responded with a status of')
    t.same(problems.filter(p => !apiErrors(p)), [], 'no errors besides the API\'s own error answers')
    await context.close()
  })
})
