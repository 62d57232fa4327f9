// The whole path of a submission through the real worker (Node adapter) to local servers that
// speak siteverify and Resend: what is sent, what is refused, and that nothing is sent when a
// step fails.

import t from 'tap'
import { API_KEY, SECRET, baseEnv, nextIp, post, startWorker, validForm } from './run-worker.ts'
import { deadUrl, startResend, startSiteverify } from './stand-ins.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const siteverify = await startSiteverify(SECRET)
const resend = await startResend(API_KEY)
const worker = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), RATE_LIMIT_MAX: '1000' })
// For the timeout cases only: a short wait keeps the test quick.
const impatient = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), RATE_LIMIT_MAX: '1000', TURNSTILE_TIMEOUT_MS: '300', RESEND_TIMEOUT_MS: '300' })
t.teardown(async () => { await worker.stop(); await impatient.stop(); await siteverify.close(); await resend.close() })

t.beforeEach(() => {
  siteverify.mode = 'ok'
  siteverify.hostname = 'monozu.cloud'
  resend.mode = 'ok'
  resend.delayMs = 0
})

t.test('a valid submission is verified, mailed once, and answered with its id', async t => {
  const ip = nextIp()
  const form = validForm({
    name: 'Zoë <script>alert("x")</script>',
    company: 'Tom & Jerry\'s "Best" <Co>',
    message: 'Line one <b>bold?</b>\nLine two & more: <img src=x onerror=alert(1)>'
  })
  const sentBefore = resend.sent.length
  const svBefore = siteverify.requests.length
  const answer = await post(worker.endpoint, form, { ip })
  t.equal(answer.status, 200)
  t.equal(answer.body.ok, true)
  t.match(answer.body.id, UUID, 'the id is a UUID')
  t.equal(answer.headers.get('access-control-allow-origin'), 'https://monozu.cloud')

  t.equal(siteverify.requests.length, svBefore + 1, 'siteverify was asked once')
  const check = siteverify.requests.at(-1)!
  t.same(check.body, { secret: SECRET, response: form.turnstileToken, remoteip: ip, idempotency_key: answer.body.id },
    'siteverify got the secret, the token, the visitor IP and the idempotency key')
  t.match(check.headers['content-type'], /^application\/json/)

  t.equal(resend.sent.length, sentBefore + 1, 'one mail was sent')
  const mail = resend.sent.at(-1)!
  t.equal(mail.headers.authorization, `Bearer ${API_KEY}`)
  t.equal(mail.headers['idempotency-key'], `contact-form/${answer.body.id}`)
  t.equal(mail.body.from, 'Monozu website <contact@monozu.cloud>')
  t.same(mail.body.to, ['sales@monozu.cloud', 'ops@monozu.cloud'])
  t.equal(mail.body.reply_to, 'anna.kowalska@example.pl', 'replies go to the sender')
  t.match(mail.body.subject, 'Zoë <script>alert("x")</script> (Tom & Jerry\'s "Best" <Co>)', 'the subject is plain text')
  t.match(mail.body.text, form.message as string, 'the text part carries the message as typed')
  const html = mail.body.html as string
  t.notMatch(html, /<script|<img|<b>|<Co>/, 'no markup from the visitor survives in the html')
  t.match(html, 'Zoë &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
  t.match(html, 'Tom &amp; Jerry&#39;s &quot;Best&quot; &lt;Co&gt;')
  t.match(html, 'Line one &lt;b&gt;bold?&lt;/b&gt;\nLine two &amp; more: &lt;img src=x onerror=alert(1)&gt;')
  t.match(html, 'white-space:pre-wrap', 'line breaks are kept')

  const line = await worker.waitForLog(l => l.ray === answer.ray)
  t.match(line, { msg: 'contact', method: 'POST', path: '/api/contact', status: 200, outcome: 'sent', emailDomain: 'example.pl', locale: 'pl', limiter: 'memory', ip: '198.51.100.0/24' })
  t.type(line.ms, 'number', 'the duration is logged')
  const logged = JSON.stringify(line)
  t.notMatch(logged, 'anna.kowalska', 'the address is not logged in full')
  t.notMatch(logged, 'Line one', 'the message is not logged')
  t.notMatch(logged, 'Zoë', 'the name is not logged')
  t.notMatch(logged, form.turnstileToken as string, 'the token is not logged')
})

t.test('a client retry of the same submission is verified and mailed only once', async t => {
  const form = validForm()
  const sentBefore = resend.sent.length
  const first = await post(worker.endpoint, form, { ip: nextIp() })
  const retry = await post(worker.endpoint, form, { ip: nextIp() })
  t.equal(first.status, 200)
  t.equal(retry.status, 200, 'the retry succeeds (siteverify answers the same idempotency key with its first answer)')
  t.equal(retry.body.id, first.body.id, 'and gets the same id')
  t.equal(resend.sent.length, sentBefore + 1, 'Resend sent one mail for both requests')
  const keys = resend.requests.slice(-2).map(r => r.headers['idempotency-key'])
  t.same(keys, [`contact-form/${first.body.id}`, `contact-form/${first.body.id}`], 'both carried the same Idempotency-Key')

  const other = await post(worker.endpoint, { ...form, message: 'A different message with the same token.' }, { ip: nextIp() })
  t.equal(other.status, 403, 'the same token with another message is a replay')
  t.equal(other.body.code, 'captcha_failed')
  t.equal(resend.sent.length, sentBefore + 1, 'and sends nothing')
})

t.test('a token siteverify rejects: 403 captcha_failed, nothing sent', async t => {
  const before = resend.requests.length
  const answer = await post(worker.endpoint, validForm({ turnstileToken: 'fail-forged-token' }), { ip: nextIp() })
  t.equal(answer.status, 403)
  t.same(answer.body, { ok: false, code: 'captcha_failed', message: answer.body.message })
  t.type(answer.body.message, 'string')
  t.equal(resend.requests.length, before, 'Resend was not called')
  const line = await worker.waitForLog(l => l.ray === answer.ray)
  t.equal(line.reason, 'invalid-input-response', 'the siteverify error code is logged')
})

t.test('a token solved on another hostname: 403 captcha_failed, nothing sent', async t => {
  siteverify.hostname = 'phishing.example'
  const before = resend.requests.length
  const answer = await post(worker.endpoint, validForm(), { ip: nextIp() })
  t.equal(answer.status, 403)
  t.equal(answer.body.code, 'captcha_failed')
  t.equal(resend.requests.length, before)
  t.equal((await worker.waitForLog(l => l.ray === answer.ray)).reason, 'hostname_mismatch')
})

t.test('siteverify failing: 502 captcha_unavailable, nothing sent', async t => {
  for (const [mode, reason] of [['http_503', 'http_503_not_json'], ['html', 'http_200_not_json'], ['internal_error', 'internal-error'], ['hang', 'timeout']] as const) {
    siteverify.mode = mode
    const before = resend.requests.length
    const answer = await post((mode === 'hang' ? impatient : worker).endpoint, validForm(), { ip: nextIp() })
    t.equal(answer.status, 502, mode)
    t.equal(answer.body.code, 'captcha_unavailable', mode)
    t.equal(resend.requests.length, before, `${mode}: Resend was not called`)
    t.equal((await (mode === 'hang' ? impatient : worker).waitForLog(l => l.ray === answer.ray)).reason, reason, `${mode}: logged as ${reason}`)
  }
})

t.test('Resend failing: 502 mail_failed, nothing sent', async t => {
  for (const [mode, reason] of [['error_500', 'http_500:internal_server_error'], ['hang', 'timeout']] as const) {
    resend.mode = mode
    const sent = resend.sent.length
    const tried = resend.requests.length
    const w = mode === 'hang' ? impatient : worker
    const answer = await post(w.endpoint, validForm(), { ip: nextIp() })
    t.equal(answer.status, 502, mode)
    t.equal(answer.body.code, 'mail_failed', mode)
    t.equal(resend.requests.length, tried + 1, `${mode}: Resend was tried once`)
    t.equal(resend.sent.length, sent, `${mode}: no mail went out`)
    t.equal((await w.waitForLog(l => l.ray === answer.ray)).reason, reason)
  }
})

t.test('a retry after a Resend failure sends the mail (the token is not burnt)', async t => {
  const form = validForm()
  resend.mode = 'error_500'
  const failed = await post(worker.endpoint, form, { ip: nextIp() })
  t.equal(failed.body.code, 'mail_failed')
  resend.mode = 'ok'
  const sent = resend.sent.length
  const retry = await post(worker.endpoint, form, { ip: nextIp() })
  t.equal(retry.status, 200, 'the same token verifies again through its idempotency key')
  t.equal(resend.sent.length, sent + 1)
})

t.test('services that are down (connection refused)', async t => {
  await t.test('siteverify down: 502 captcha_unavailable, nothing sent', async t => {
    const w = await startWorker({ ...baseEnv(await deadUrl('/turnstile/v0/siteverify'), resend.url) })
    t.teardown(() => w.stop())
    const before = resend.requests.length
    const answer = await post(w.endpoint, validForm(), { ip: nextIp() })
    t.equal(answer.status, 502)
    t.equal(answer.body.code, 'captcha_unavailable')
    t.equal(resend.requests.length, before)
    t.equal((await w.waitForLog(l => l.ray === answer.ray)).reason, 'network')
  })

  await t.test('Resend down: 502 mail_failed after a passed check', async t => {
    const w = await startWorker({ ...baseEnv(siteverify.verifyUrl, await deadUrl()) })
    t.teardown(() => w.stop())
    const checks = siteverify.requests.length
    const answer = await post(w.endpoint, validForm(), { ip: nextIp() })
    t.equal(answer.status, 502)
    t.equal(answer.body.code, 'mail_failed')
    t.equal(siteverify.requests.length, checks + 1, 'the token was checked')
    t.equal((await w.waitForLog(l => l.ray === answer.ray)).reason, 'network')
  })

  await t.test('a secret siteverify refuses: 500 misconfigured, logged', async t => {
    const w = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), TURNSTILE_SECRET_KEY: 'not-the-secret' })
    t.teardown(() => w.stop())
    const before = resend.requests.length
    const answer = await post(w.endpoint, validForm(), { ip: nextIp() })
    t.equal(answer.status, 500)
    t.equal(answer.body.code, 'misconfigured')
    t.equal(resend.requests.length, before)
    const line = await w.waitForLog(l => l.ray === answer.ray)
    t.match(line, { level: 'error', reason: 'invalid-input-secret' })
  })
})

t.test('SIGTERM lets a request in flight finish, then exits 0', async t => {
  const w = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url) })
  resend.delayMs = 400
  const inFlight = post(w.endpoint, validForm(), { ip: nextIp() })
  await new Promise(resolve => setTimeout(resolve, 150))
  const exit = w.stop()
  const answer = await inFlight
  t.equal(answer.status, 200, 'the request in flight got its answer')
  t.equal(await exit, 0, 'the adapter exited cleanly')
  t.match(w.output(), /"msg":"shutdown","signal":"SIGTERM"/)
})
