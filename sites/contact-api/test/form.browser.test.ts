// The website's contact form end to end in Debian's Chromium: the real website build (pointed at
// this worker by CONTACT_API_URL), served by a tiny static server, posting cross-origin to
// the real worker (Node adapter), which talks to the siteverify and Resend stand-ins. Only
// Cloudflare's Turnstile script is replaced, through page.route, by a stand-in that implements
// its documented client API (test/turnstile-stand-in.ts).

import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { API_KEY, SECRET, baseEnv, startWorker } from './run-worker.ts'
import { startResend, startSiteverify } from './stand-ins.ts'
import { turnstileStandInScript as turnstileScript } from './turnstile-stand-in.ts'

const CHROMIUM = '/usr/bin/chromium'
const repo = fileURLToPath(new URL('../../../', import.meta.url))
const website = join(repo, 'sites/website')
const shots = join(repo, '.tap/screenshots/')
const SITE_KEY = '0x4AAAAAAAMonozuContactTest'

const skip = !existsSync(CHROMIUM) ? `needs Debian's Chromium at ${CHROMIUM} (.ci/run installs it)`
  : !existsSync(join(website, 'package.json')) ? 'needs the website (sites/website)' : false

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.webp': 'image/webp', '.avif': 'image/avif',
  '.ico': 'image/x-icon', '.json': 'application/json', '.txt': 'text/plain', '.xml': 'application/xml', '.woff2': 'font/woff2'
}

/** A static file server for a built site: folders answer with their index.html. */
async function serveStatic (dir: string): Promise<{ origin: string, close (): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    let file = resolve(dir, `.${path}`)
    if (file !== dir && !file.startsWith(dir + sep)) { res.writeHead(403).end(); return }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!path.endsWith('/')) { res.writeHead(301, { location: `${path}/` }).end(); return }
      file = join(file, 'index.html')
    }
    if (!existsSync(file)) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as { port: number }
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()) }) }
}

/** `npm run build -w @monozu/website` into a folder of our own (the site's dist/ is left alone). */
function buildWebsite (outDir: string, env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  return new Promise(done => {
    const child = spawn('npm', ['run', 'build', '-w', '@monozu/website', '--', '--outDir', outDir], {
      cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (c: Buffer) => { output += c })
    child.stderr.on('data', (c: Buffer) => { output += c })
    child.on('close', code => done({ code, output }))
  })
}

/** The built pages that hold the contact form, by their <html lang>. */
function contactPages (dir: string, base = ''): Record<string, string> {
  const found: Record<string, string> = {}
  for (const entry of readdirSync(join(dir, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${entry.name}` : entry.name
    if (entry.isDirectory()) Object.assign(found, contactPages(dir, rel))
    else if (entry.name === 'index.html') {
      const html = readFileSync(join(dir, rel), 'utf8')
      const lang = /<html[^>]*\blang="([a-z]{2})/.exec(html)?.[1]
      if (lang && html.includes('data-testid="contact-form"')) found[lang] = `/${base}${base ? '/' : ''}`
    }
  }
  return found
}

t.test('the website\'s contact form against the real worker', { skip }, async t => {
  const { chromium } = await import('playwright-core')
  mkdirSync(shots, { recursive: true })
  const outDir = mkdtempSync(join(tmpdir(), 'monozu-contact-site-'))
  t.teardown(() => rmSync(outDir, { recursive: true, force: true }))

  const site = await serveStatic(outDir)
  const siteverify = await startSiteverify(SECRET, '127.0.0.1') // the hostname the widget ran on
  const resend = await startResend(API_KEY)
  const worker = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), ALLOWED_ORIGINS: site.origin, RATE_LIMIT_MAX: '100' })
  t.teardown(async () => { await worker.stop(); await siteverify.close(); await resend.close(); await site.close() })

  // A production build (every setting given), as `npm run build:sites` makes it.
  const build = await buildWebsite(outDir, { SITES_MODE: 'production', CONTACT_API_URL: worker.endpoint, TURNSTILE_SITE_KEY: SITE_KEY })
  if (build.code !== 0) { t.fail(`the website build failed (exit ${build.code}):\n${build.output.slice(-3000)}`); return }
  const pages = contactPages(outDir)
  t.ok(pages.pl && pages.en, `a contact page in Polish and in English (found ${JSON.stringify(pages)})`)
  if (!pages.pl || !pages.en) return

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => browser.close())

  async function open (path: string) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1400 } })
    const scriptUrls: string[] = []
    const errors: string[] = []
    // Nothing may leave the machine; the Turnstile script is answered by the stand-in.
    await context.route(url => url.hostname !== '127.0.0.1', route => route.abort())
    await context.route('https://challenges.cloudflare.com/turnstile/v0/api.js*', route => {
      scriptUrls.push(route.request().url())
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: turnstileScript })
    })
    const page = await context.newPage()
    page.on('pageerror', e => errors.push(e.message))
    await page.goto(site.origin + path)
    const form = page.getByTestId('contact-form')
    const status = page.getByTestId('contact-status')
    await form.waitFor()
    // The widget has been rendered explicitly and has called back with a token.
    await page.locator('#turnstile .turnstile-stand-in[data-state="solved"]').waitFor({ timeout: 10_000 })
    const messages = JSON.parse(await page.locator('#contact-messages').textContent() ?? '{}') as { status: { success: string, codes: Record<string, string> } }
    return { context, page, form, status, scriptUrls, errors, messages }
  }

  async function fill (page: import('playwright-core').Page, values: { name: string, email: string, company: string, message: string }) {
    await page.getByLabel(/imię|name/i).fill(values.name)
    await page.getByLabel(/e-?mail/i).fill(values.email)
    await page.getByLabel(/firma|company/i).fill(values.company)
    await page.getByLabel(/wiadomość|message/i).fill(values.message)
  }
  const submit = (page: import('playwright-core').Page) => page.getByRole('button', { name: /wyślij|send/i }).click()
  const settled = async (status: import('playwright-core').Locator) => {
    await status.page().waitForFunction('["success", "error"].includes(document.querySelector(\'[data-testid="contact-status"]\').dataset.state)', null, { timeout: 10_000 })
    return { state: await status.getAttribute('data-state'), text: (await status.textContent())?.trim() ?? '' }
  }

  const successTexts: string[] = []
  for (const [lang, values] of [
    ['pl', { name: 'Zażółć Gęślą', email: 'zazolc@przyklad.pl', company: 'Jaźń & Syn <sp. z o.o.>', message: 'Dzień dobry, prosimy o prezentację <b>modułu CMDB</b> dla 40 stanowisk.' }],
    ['en', { name: 'Jane Doe', email: 'jane.doe@example.com', company: '', message: 'Hello, could we book a demo for our MSP team next week?' }]
  ] as const) {
    await t.test(`${lang}: a message is sent and the success state shown`, async t => {
      const { context, page, status, scriptUrls, errors, messages } = await open(pages[lang]!)
      t.teardown(() => context.close())
      t.equal(await page.locator('html').getAttribute('lang'), lang)
      t.equal(scriptUrls.length, 1, 'the Turnstile script was requested once')
      t.match(new URL(scriptUrls[0]!).searchParams.get('render'), 'explicit', 'for explicit rendering')
      const renders = await page.evaluate('window.__turnstileStandIn.renders') as Array<{ sitekey: string, container: string }>
      t.same(renders.map(r => [r.sitekey, r.container]), [[SITE_KEY, 'turnstile']], 'rendered into #turnstile with TURNSTILE_SITE_KEY')

      const sent = resend.sent.length
      await fill(page, values)
      await submit(page)
      const outcome = await settled(status)
      await page.screenshot({ path: `${shots}contact-${lang}-success.png`, fullPage: true })
      t.same(outcome, { state: 'success', text: messages.status.success }, 'the translated success message')
      successTexts.push(outcome.text)

      t.equal(resend.sent.length, sent + 1, 'one mail was sent')
      const mail = resend.sent.at(-1)!.body
      t.equal(mail.reply_to, values.email)
      t.match(mail.text, values.message, 'the message as typed (diacritics included)')
      t.match(mail.text, `Language: ${lang === 'pl' ? 'Polish' : 'English'}`, 'with the page\'s language')
      t.notMatch(mail.html, /<b>|<sp\./, 'what the visitor typed is escaped in the HTML part')
      const token = siteverify.requests.at(-1)!.body.response as string
      const issued = await page.evaluate('window.__turnstileStandIn.tokens') as string[]
      t.ok(issued.includes(token), 'siteverify checked the token the widget issued')
      t.equal(await page.getByLabel(/wiadomość|message/i).inputValue(), '', 'the form is cleared')
      t.same(errors, [], 'no script errors')
    })
  }
  t.not(successTexts[0], successTexts[1], 'Polish and English success messages differ')

  // With any route installed, Playwright answers CORS preflights itself, so the browser's real
  // preflight is checked here, in a context without routes (on pages without the widget).
  await t.test('CORS in the browser: the site\'s origin may post, another origin is blocked', async t => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    const attempt = `fetch(${JSON.stringify(worker.endpoint)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"x"}' })
      .then(r => r.json().then(b => r.status + ' ' + b.code), e => 'blocked: ' + e.name)`

    await page.goto(`${site.origin}/404.html`).catch(() => {})
    t.equal(await page.evaluate(attempt), '400 invalid_input', 'from the site: preflight granted, the answer readable')
    t.equal((await worker.waitForLog(l => l.method === 'OPTIONS' && l.origin === site.origin)).outcome, 'preflight', 'the worker answered the real preflight')

    const other = site.origin.replace('127.0.0.1', 'localhost') // same files, another origin
    await page.goto(`${other}/404.html`).catch(() => {})
    t.equal(await page.evaluate(attempt), 'blocked: TypeError', 'from another origin: the browser blocks it')
    const refused = await worker.waitForLog(l => l.method === 'OPTIONS' && l.origin === other)
    t.match(refused, { status: 403, outcome: 'origin_not_allowed' }, 'the worker refused the preflight')
    t.notOk(worker.logs.some(l => l.method === 'POST' && l.origin === other), 'and the POST was never sent')
  })

  await t.test('a field the API rejects shows its error next to the field', async t => {
    const { context, page, status, messages } = await open(pages.en!)
    t.teardown(() => context.close())
    const checks = siteverify.requests.length
    // Passes the page's own check, but a hostname cannot hold "_": the API answers email:format.
    await fill(page, { name: 'Jane Doe', email: 'jane@exa_mple.com', company: 'Acme', message: 'Hello, a demo please.' })
    await submit(page)
    t.same(await settled(status), { state: 'error', text: messages.status.codes.invalid_input })
    t.equal(await page.getByLabel(/e-?mail/i).getAttribute('aria-invalid'), 'true', 'the email field is marked invalid')
    t.not((await page.locator('[data-field-error="email"]').textContent())?.trim() ?? '', '', 'with a message next to it')
    t.equal(siteverify.requests.length, checks, 'siteverify was not called')
  })

  await t.test('bad captcha (siteverify rejects the token): the error message, nothing sent', async t => {
    const { context, page, status, messages } = await open(pages.pl!)
    t.teardown(() => context.close())
    siteverify.mode = 'reject'
    t.teardown(() => { siteverify.mode = 'ok' })
    const sent = resend.requests.length
    await fill(page, { name: 'Jan Nowak', email: 'jan@nowak.pl', company: '', message: 'Proszę o kontakt w sprawie wdrożenia.' })
    await submit(page)
    const outcome = await settled(status)
    await page.screenshot({ path: `${shots}contact-pl-captcha-failed.png`, fullPage: true })
    t.same(outcome, { state: 'error', text: messages.status.codes.captcha_failed }, 'the translated captcha_failed message')
    t.equal(resend.requests.length, sent, 'Resend was not called')
    t.equal(await page.getByLabel(/wiadomość|message/i).inputValue(), 'Proszę o kontakt w sprawie wdrożenia.', 'what was typed is kept')
    await page.locator('#turnstile .turnstile-stand-in[data-state="solved"]').waitFor()
    t.ok(await page.evaluate('window.__turnstileStandIn.resets') as number >= 1, 'the widget was reset for a fresh token')
  })

  // One message per 2 minutes: the page counts "😀" as one character, as the worker does, so a
  // 100-emoji name (200 UTF-16 units) goes through; the next message meets the 429.
  await t.test('😀 counted as the API counts it, then a 429 with its wait', async t => {
    const limited = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), ALLOWED_ORIGINS: site.origin, RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_SECONDS: '120' })
    t.teardown(() => limited.stop())
    const { context, page, status, messages } = await open(pages.pl!)
    t.teardown(() => context.close())
    // The built page posts to the first worker; this context sends its requests to the limited one.
    await context.route(worker.endpoint, route => route.continue({ url: limited.endpoint }))
    const emoji = { name: '😀'.repeat(100), email: 'emoji@przyklad.pl', company: '😀', message: '😀'.repeat(10) }
    await fill(page, emoji)
    await submit(page)
    t.same(await settled(status), { state: 'success', text: messages.status.success }, '100 × 😀 (the name\'s maximum) and 10 × 😀 (the message\'s minimum) are accepted by both')
    t.match(await limited.waitForLog(l => l.method === 'POST'), { status: 200 }, 'the limited worker took it')

    await page.locator('#turnstile .turnstile-stand-in[data-state="solved"]').waitFor()
    await fill(page, { name: 'Jan Nowak', email: 'jan@nowak.pl', company: '', message: 'Druga wiadomość w ciągu minuty.' })
    await submit(page)
    const outcome = await settled(status)
    const wait = new Intl.NumberFormat('pl', { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(2)
    const all = JSON.parse(await page.locator('#contact-messages').textContent() ?? '{}') as { status: { rateLimitedFor: string } }
    t.same(outcome, { state: 'error', text: all.status.rateLimitedFor.replace('{wait}', wait) }, `the 429's Retry-After shown as the wait: "${wait}"`)
    await page.screenshot({ path: `${shots}contact-pl-rate-limited.png`, fullPage: true })
  })

  await t.test('Resend down: the mail_failed message', async t => {
    const { context, page, status, messages } = await open(pages.en!)
    t.teardown(() => context.close())
    await resend.close() // connection refused from now on
    await fill(page, { name: 'Jane Doe', email: 'jane.doe@example.com', company: 'Acme', message: 'Is anybody there? Testing the outage path.' })
    await submit(page)
    const outcome = await settled(status)
    await page.screenshot({ path: `${shots}contact-en-mail-failed.png`, fullPage: true })
    t.same(outcome, { state: 'error', text: messages.status.codes.mail_failed }, 'the translated mail_failed message')
    t.equal((await worker.waitForLog(l => l.outcome === 'mail_failed')).reason, 'network')
  })
})
