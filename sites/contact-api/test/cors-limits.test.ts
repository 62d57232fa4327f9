// CORS for the website's origins, the per-IP limit (in-memory window through the Node adapter,
// and the Workers Rate Limiting binding when env has one), and configuration checks at start.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../src/config.ts'
import worker from '../src/worker.ts'
import { API_KEY, SECRET, SITE, baseEnv, nextIp, nextRay, post, startWorker, validForm } from './run-worker.ts'
import { startResend, startSiteverify } from './stand-ins.ts'

const siteverify = await startSiteverify(SECRET)
const resend = await startResend(API_KEY)
t.teardown(async () => { await siteverify.close(); await resend.close() })
t.beforeEach(() => { resend.mode = 'ok'; siteverify.mode = 'ok' })

t.test('CORS', async t => {
  const w = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), ALLOWED_ORIGINS: 'https://monozu.cloud, https://www.monozu.cloud,http://127.0.0.1:4321' })
  t.teardown(() => w.stop())

  await t.test('a preflight from an allowed origin', async t => {
    const response = await fetch(w.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'https://www.monozu.cloud', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }
    })
    t.equal(response.status, 204)
    t.equal(response.headers.get('access-control-allow-origin'), 'https://www.monozu.cloud', 'the origin is echoed, not *')
    t.equal(response.headers.get('access-control-allow-methods'), 'POST, OPTIONS')
    t.equal(response.headers.get('access-control-allow-headers'), 'Content-Type')
    t.equal(response.headers.get('access-control-max-age'), '7200')
    t.match(response.headers.get('vary'), /\bOrigin\b/)
    t.equal(response.headers.get('access-control-allow-credentials'), null, 'no credentials')
    t.equal(await response.text(), '', 'no body')
  })

  await t.test('a preflight from another origin: 403, no CORS grant', async t => {
    const before = siteverify.requests.length
    for (const origin of ['https://evil.example', 'https://monozu.cloud.evil.example', 'http://monozu.cloud', 'https://monozu.cloud:8443', 'null']) {
      const response = await fetch(w.endpoint, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })
      t.equal(response.status, 403, origin)
      t.equal(response.headers.get('access-control-allow-origin'), null, `${origin}: no Access-Control-Allow-Origin`)
      t.match(response.headers.get('vary'), /\bOrigin\b/)
      t.equal(((await response.json()) as { code: string }).code, 'origin_not_allowed')
    }
    t.equal(siteverify.requests.length, before)
  })

  await t.test('a POST from an allowed origin gets the grant; from another, 403 and nothing else', async t => {
    const ok = await post(w.endpoint, validForm(), { origin: 'http://127.0.0.1:4321', ip: nextIp() })
    t.equal(ok.status, 200)
    t.equal(ok.headers.get('access-control-allow-origin'), 'http://127.0.0.1:4321')
    t.equal(ok.headers.get('access-control-expose-headers'), 'Retry-After')
    t.match(ok.headers.get('vary'), /\bOrigin\b/)

    const checks = siteverify.requests.length
    const mails = resend.requests.length
    for (const origin of ['https://evil.example', null]) {
      const refused = await post(w.endpoint, validForm(), { origin, ip: nextIp() })
      t.equal(refused.status, 403, `origin ${origin}`)
      t.equal(refused.body.code, 'origin_not_allowed')
      t.equal(refused.headers.get('access-control-allow-origin'), null, 'no Access-Control-Allow-Origin')
    }
    t.equal(siteverify.requests.length, checks, 'siteverify was not called')
    t.equal(resend.requests.length, mails, 'Resend was not called')
  })

  await t.test('error answers to an allowed origin carry the grant, so the form can read them', async t => {
    const answer = await post(w.endpoint, { email: 'x' }, { origin: 'https://monozu.cloud', ip: nextIp() })
    t.equal(answer.status, 400)
    t.equal(answer.headers.get('access-control-allow-origin'), 'https://monozu.cloud')
  })
})

t.test('the default origins are the production site only', async t => {
  const w = await startWorker(baseEnv(siteverify.verifyUrl, resend.url))
  t.teardown(() => w.stop())
  for (const [origin, status] of [['https://monozu.cloud', 204], ['https://www.monozu.cloud', 204], ['http://localhost:4321', 403], ['http://127.0.0.1:8787', 403]] as const) {
    const response = await fetch(w.endpoint, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })
    t.equal(response.status, status, origin)
  }
})

t.test('rate limit (in-memory window, Node adapter)', async t => {
  const w = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '600' })
  t.teardown(() => w.stop())

  await t.test('the fourth submission from one IP is 429 with Retry-After; other IPs are unaffected', async t => {
    const ip = '203.0.113.7'
    for (let i = 1; i <= 3; i++) t.equal((await post(w.endpoint, validForm(), { ip })).status, 200, `submission ${i}`)
    const checks = siteverify.requests.length
    const mails = resend.requests.length
    const limited = await post(w.endpoint, validForm(), { ip })
    t.equal(limited.status, 429)
    t.equal(limited.body.code, 'rate_limited')
    const retryAfter = Number(limited.headers.get('retry-after'))
    t.ok(retryAfter > 590 && retryAfter <= 600, `Retry-After is the rest of the window (${retryAfter} s)`)
    t.equal(limited.headers.get('access-control-allow-origin'), SITE)
    t.equal(siteverify.requests.length, checks, 'siteverify was not called')
    t.equal(resend.requests.length, mails, 'Resend was not called')
    const line = await w.waitForLog(l => l.ray === limited.ray)
    t.match(line, { outcome: 'rate_limited', status: 429, limiter: 'memory', ip: '203.0.113.0/24' })

    t.equal((await post(w.endpoint, validForm(), { ip: '203.0.113.8' })).status, 200, 'another IP still gets through')
  })

  await t.test('invalid input and failures on our side do not use up the limit', async t => {
    const ip = '203.0.113.20'
    for (let i = 0; i < 5; i++) t.equal((await post(w.endpoint, { email: 'x' }, { ip })).status, 400)
    resend.mode = 'error_500'
    for (let i = 0; i < 4; i++) t.equal((await post(w.endpoint, validForm(), { ip })).body.code, 'mail_failed')
    siteverify.mode = 'http_503'
    for (let i = 0; i < 4; i++) t.equal((await post(w.endpoint, validForm(), { ip })).body.code, 'captcha_unavailable')
    resend.mode = 'ok'
    siteverify.mode = 'ok'
    for (let i = 1; i <= 3; i++) t.equal((await post(w.endpoint, validForm(), { ip })).status, 200, `then still three sends (${i})`)
    t.equal((await post(w.endpoint, validForm(), { ip })).status, 429)
  })

  await t.test('a failed captcha does use up the limit (no free guessing)', async t => {
    const ip = '203.0.113.30'
    for (let i = 0; i < 3; i++) t.equal((await post(w.endpoint, validForm({ turnstileToken: `fail-${i}` }), { ip })).status, 403)
    t.equal((await post(w.endpoint, validForm(), { ip })).status, 429)
  })

  await t.test('without CF-Connecting-IP the socket address is the key', async t => {
    const ray = nextRay()
    const viaSocket = await fetch(w.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE, 'cf-ray': ray },
      body: JSON.stringify(validForm())
    })
    t.equal(viaSocket.status, 200)
    const line = await w.waitForLog(l => l.ray === ray)
    t.equal(line.ip, '127.0.0.0/24', 'keyed and logged as the loopback peer')
  })
})

t.test('rate limit through the Workers Rate Limiting binding (worker called in-process)', async t => {
  const logged: string[] = []
  const log = console.log
  console.log = (line: string) => { logged.push(line) }
  t.teardown(() => { console.log = log })

  // Stands in for Cloudflare's binding, with its documented API: limit({ key }) -> { success }.
  const keys: string[] = []
  let allow = 2
  const env = {
    ...baseEnv(siteverify.verifyUrl, resend.url),
    RATE_LIMIT_MAX: '1000',
    CONTACT_RATE_LIMITER: { async limit ({ key }: { key: string }) { keys.push(key); return { success: allow-- > 0 } } }
  }
  const ctx = { waitUntil () {}, passThroughOnException () {} }
  const submit = () => worker.fetch(new Request('https://contact.monozu.cloud/api/contact', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': '2001:db8:1234:5678::1' },
    body: JSON.stringify(validForm())
  }), env, ctx)

  t.equal((await submit()).status, 200)
  t.equal((await submit()).status, 200)
  const limited = await submit()
  t.equal(limited.status, 429, 'the binding said no')
  t.equal(limited.headers.get('retry-after'), '60', 'Retry-After is the binding period')
  t.same(keys, ['2001:db8:1234:5678::1', '2001:db8:1234:5678::1', '2001:db8:1234:5678::1'], 'keyed on CF-Connecting-IP')
  const line = JSON.parse(logged.at(-1)!) as Record<string, unknown>
  t.match(line, { outcome: 'rate_limited', limiter: 'binding', ip: '2001:db8:1234::/48' })

  const failing = { ...env, CONTACT_RATE_LIMITER: { async limit (): Promise<{ success: boolean }> { throw new Error('binding unavailable') } } }
  const open = await worker.fetch(new Request('https://contact.monozu.cloud/api/contact', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': '192.0.2.1' },
    body: JSON.stringify(validForm())
  }), failing, ctx)
  t.equal(open.status, 200, 'a failing binding fails open (Turnstile still guards)')
  t.ok(logged.some(l => l.includes('"msg":"rate_limiter_failed"')), 'and is logged')
})

t.test('the worker module exports its handler only (Workers refuses any other runtime export)', async t => {
  const module = await import('../src/worker.ts') as Record<string, unknown>
  t.same(Object.keys(module), ['default'])
  t.type((module.default as { fetch: unknown }).fetch, 'function')
})

t.test('configuration', async t => {
  await t.test('the Node adapter refuses to start without its secrets, naming them', async t => {
    const node = spawnSync(process.execPath, [fileURLToPath(new URL('../src/node.ts', import.meta.url))], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', CONTACT_TO: 'sales@monozu.cloud' },
      encoding: 'utf8',
      timeout: 10_000
    })
    t.equal(node.status, 1, 'exit code 1')
    for (const name of ['TURNSTILE_SECRET_KEY', 'RESEND_API_KEY', 'CONTACT_FROM']) t.match(node.stderr, `${name} is required`)
    t.notMatch(node.stderr, 'CONTACT_TO is required', 'what is set is not reported')
    t.equal(node.stdout, '', 'and never listened')
  })

  await t.test('the worker answers 500 misconfigured (and logs why) when env lacks them', async t => {
    const logged: string[] = []
    const log = console.log
    console.log = (line: string) => { logged.push(line) }
    t.teardown(() => { console.log = log })
    const env = { TURNSTILE_SECRET_KEY: 'set', CONTACT_TO: 'sales@monozu.cloud' }
    const response = await worker.fetch(new Request('https://contact.monozu.cloud/api/contact', {
      method: 'POST', headers: { 'content-type': 'application/json', origin: SITE }, body: JSON.stringify(validForm())
    }), env)
    t.equal(response.status, 500)
    t.same(await response.json(), { ok: false, code: 'misconfigured', message: 'The contact form is not configured.' })
    t.equal(response.headers.get('access-control-allow-origin'), SITE, 'the form can still read it')
    const lines = logged.map(l => JSON.parse(l) as Record<string, unknown>)
    t.ok(lines.some(l => l.msg === 'misconfigured' && JSON.stringify(l.errors).includes('RESEND_API_KEY is required')), 'the reason is logged')
    t.ok(lines.some(l => l.outcome === 'misconfigured' && l.status === 500 && l.level === 'error'), 'and the request line says so')
    t.notOk(logged.join('\n').includes('"set"'), 'secret values are never logged')
  })

  await t.test('malformed values are reported together', async t => {
    const result = loadConfig({
      TURNSTILE_SECRET_KEY: 's', RESEND_API_KEY: 'k', CONTACT_FROM: 'Monozu <not-an-address>', CONTACT_TO: 'a@monozu.cloud,nope',
      RESEND_API_URL: 'http://api.resend.com', TURNSTILE_VERIFY_URL: 'not a url', ALLOWED_ORIGINS: 'https://monozu.cloud/contact,*',
      RATE_LIMIT_MAX: '0', MAX_BODY_BYTES: '10k'
    })
    t.equal(result.ok, false)
    const errors = result.ok ? [] : result.errors
    for (const expected of [/CONTACT_FROM/, /CONTACT_TO/, /RESEND_API_URL must be an https URL/, /TURNSTILE_VERIFY_URL must be an absolute URL/,
      /"https:\/\/monozu.cloud\/contact" is not an origin/, /"\*" is not an origin/, /RATE_LIMIT_MAX/, /MAX_BODY_BYTES/]) {
      t.ok(errors.some(e => expected.test(e)), `reports ${expected}`)
    }
    t.equal(errors.length, 8, 'one line per problem')
  })

  await t.test('the defaults', async t => {
    const result = loadConfig({ TURNSTILE_SECRET_KEY: 's', RESEND_API_KEY: 'k', CONTACT_FROM: 'contact@monozu.cloud', CONTACT_TO: 'sales@monozu.cloud' })
    if (!result.ok) { t.fail(result.errors.join('; ')); return }
    t.match(result.config, {
      turnstileVerifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
      resendApiUrl: 'https://api.resend.com',
      allowedOrigins: ['https://monozu.cloud', 'https://www.monozu.cloud'],
      turnstileHostnames: ['monozu.cloud', 'www.monozu.cloud'],
      turnstileAction: null,
      rateLimitMax: 5,
      rateLimitWindowSeconds: 600,
      maxBodyBytes: 16384
    })
    const off = loadConfig({ TURNSTILE_SECRET_KEY: 's', RESEND_API_KEY: 'k', CONTACT_FROM: 'contact@monozu.cloud', CONTACT_TO: 'sales@monozu.cloud', TURNSTILE_HOSTNAMES: '*' })
    t.equal(off.ok && off.config.turnstileHostnames, null, 'TURNSTILE_HOSTNAMES=* turns the hostname check off')
  })
})
