// Every rule the worker applies before it calls anyone: routes and methods, content type, size,
// JSON, unknown fields, each field's limits, and the honeypot. None of these may reach
// siteverify or Resend.

import t, { type Test } from 'tap'
import { API_KEY, SECRET, SITE, baseEnv, nextIp, nextRay, post, startWorker, validForm } from './run-worker.ts'
import { startResend, startSiteverify } from './stand-ins.ts'

const siteverify = await startSiteverify(SECRET)
const resend = await startResend(API_KEY)
const worker = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), RATE_LIMIT_MAX: '1000' })
t.teardown(async () => { await worker.stop(); await siteverify.close(); await resend.close() })

/** Runs `fn` and fails the test if siteverify or Resend heard anything meanwhile. */
async function nothingCalled (t: Test, fn: () => Promise<void>): Promise<void> {
  const checks = siteverify.requests.length
  const mails = resend.requests.length
  await fn()
  t.equal(siteverify.requests.length, checks, 'siteverify was not called')
  t.equal(resend.requests.length, mails, 'Resend was not called')
}

const long = (n: number, c = 'a') => c.repeat(n)

t.test('each field rule answers 400 invalid_input with the field and the rule', async t => {
  const cases: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['name missing', { name: undefined }, { name: 'required' }],
    ['name empty', { name: '' }, { name: 'required' }],
    ['name only spaces', { name: '   ' }, { name: 'required' }],
    ['name too long', { name: long(101) }, { name: 'too_long' }],
    ['name with a line break', { name: 'Anna\r\nBcc: x@example.com' }, { name: 'format' }],
    ['name not a string', { name: 42 }, { name: 'type' }],
    ['email missing', { email: undefined }, { email: 'required' }],
    ['email empty', { email: '' }, { email: 'required' }],
    ['email without @', { email: 'anna.example.pl' }, { email: 'format' }],
    ['email without a domain dot', { email: 'anna@localhost' }, { email: 'format' }],
    ['email with a space', { email: 'anna kowalska@example.pl' }, { email: 'format' }],
    ['two addresses', { email: 'anna@example.pl, eve@example.com' }, { email: 'format' }],
    ['email with a display name', { email: 'Anna <anna@example.pl>' }, { email: 'format' }],
    ['email too long', { email: `${long(64)}@${long(190)}.pl` }, { email: 'too_long' }],
    ['email not a string', { email: ['anna@example.pl'] }, { email: 'type' }],
    ['company too long', { company: long(101) }, { company: 'too_long' }],
    ['company with a tab', { company: 'Acme\tInc' }, { company: 'format' }],
    ['company not a string', { company: { name: 'Acme' } }, { company: 'type' }],
    ['message missing', { message: undefined }, { message: 'required' }],
    ['message empty', { message: '  \n ' }, { message: 'required' }],
    ['message too short', { message: long(9) }, { message: 'too_short' }],
    ['message too long', { message: long(5001) }, { message: 'too_long' }],
    ['message with a NUL', { message: 'Hello there\u0000friends' }, { message: 'format' }],
    ['locale unknown', { locale: 'de' }, { locale: 'invalid' }],
    ['locale not a string', { locale: 1 }, { locale: 'type' }],
    ['token missing', { turnstileToken: undefined }, { turnstileToken: 'required' }],
    ['token empty', { turnstileToken: '' }, { turnstileToken: 'required' }],
    ['token too long', { turnstileToken: `pass${long(2045)}` }, { turnstileToken: 'too_long' }],
    ['an unknown field', { phone: '+48 600 000 000' }, { phone: 'unknown' }],
    ['several at once', { name: '', email: 'x', message: 'short', extra: true }, { name: 'required', email: 'format', message: 'too_short', extra: 'unknown' }]
  ]
  await nothingCalled(t, async () => {
    for (const [label, overrides, fields] of cases) {
      const body = { ...validForm(), ...overrides }
      for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete body[k]
      const answer = await post(worker.endpoint, body, { ip: nextIp() })
      t.equal(answer.status, 400, `${label}: 400`)
      t.same(answer.body, { ok: false, code: 'invalid_input', message: answer.body.message, fields }, `${label}: ${JSON.stringify(fields)}`)
    }
    // JSON.parse keeps "__proto__" as an own key: it must be reported, not set a prototype.
    const raw = JSON.stringify(validForm()).replace(/^\{/, '{"__proto__":{"x":1},')
    const proto = await post(worker.endpoint, null, { raw, ip: nextIp() })
    t.equal(proto.status, 400, '__proto__: 400')
    t.equal(JSON.stringify(proto.body.fields), '{"__proto__":"unknown"}', '__proto__: reported as unknown')
  })
  const line = await worker.waitForLog(l => l.outcome === 'invalid_input' && JSON.stringify(l.fields) === '["name:too_long"]')
  t.notMatch(JSON.stringify(line), 'aaaa', 'the rejected value is not logged')
})

t.test('the limits themselves are accepted (counted in characters, not UTF-16 units)', async t => {
  const sent = resend.sent.length
  const edges = [
    { name: 'A', company: '', message: long(10) },
    { name: long(100), company: long(100), message: long(5000) },
    { name: '🦊'.repeat(100), company: 'ż'.repeat(100), message: 'ą'.repeat(5000) },
    { company: undefined, locale: undefined, website: undefined }
  ]
  for (const edge of edges) {
    const body = { ...validForm(), ...edge }
    for (const [k, v] of Object.entries(edge)) if (v === undefined) delete (body as Record<string, unknown>)[k]
    const answer = await post(worker.endpoint, body, { ip: nextIp() })
    t.equal(answer.status, 200, `accepted: ${JSON.stringify(Object.keys(edge))}`)
  }
  t.equal(resend.sent.length, sent + edges.length, 'each was mailed')
  const last = resend.sent.at(-1)!
  t.match(last.body.text, 'Company: -', 'a missing company is shown as "-"')
  t.match(last.body.text, 'Language: English', 'a missing locale counts as English')
})

t.test('the honeypot: 200 like a success, nothing verified or sent, logged', async t => {
  await nothingCalled(t, async () => {
    for (const website of ['https://spam.example', ' ', 1]) {
      const answer = await post(worker.endpoint, validForm({ website }), { ip: nextIp() })
      t.equal(answer.status, 200)
      t.equal(answer.body.ok, true)
      t.match(answer.body.id, /^[0-9a-f-]{36}$/, 'with an id, like a real success')
      t.equal((await worker.waitForLog(l => l.ray === answer.ray)).outcome, 'honeypot', 'logged as a honeypot hit')
    }
    const invalidToo = await post(worker.endpoint, { website: 'x', email: 'nope' }, { ip: nextIp() })
    t.equal(invalidToo.status, 200, 'a bot that also fills fields badly learns nothing either')
  })
})

t.test('content type: anything but application/json is 415', async t => {
  await nothingCalled(t, async () => {
    const form = JSON.stringify(validForm())
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', '']) {
      const answer = await post(worker.endpoint, null, { raw: form, headers: { 'content-type': type }, ip: nextIp() })
      t.equal(answer.status, 415, `"${type}"`)
      t.equal(answer.body.code, 'unsupported_media_type')
      t.equal(answer.headers.get('access-control-allow-origin'), SITE, 'the form can read the error')
    }
  })
  const withCharset = await post(worker.endpoint, null, { raw: JSON.stringify(validForm()), headers: { 'content-type': 'Application/JSON; charset=utf-8' }, ip: nextIp() })
  t.equal(withCharset.status, 200, 'parameters and case do not matter')
})

t.test('size: a body over 16 KiB is 413, with or without Content-Length', async t => {
  await nothingCalled(t, async () => {
    const big = JSON.stringify(validForm({ message: long(17_000) }))
    const declared = await post(worker.endpoint, null, { raw: big, ip: nextIp() })
    t.equal(declared.status, 413)
    t.equal(declared.body.code, 'too_large')

    // A chunked body announces no length: the stream itself is counted.
    const chunks = [big.slice(0, 9000), big.slice(9000)]
    const stream = new ReadableStream<Uint8Array>({
      pull (controller) {
        const next = chunks.shift()
        if (next === undefined) controller.close()
        else controller.enqueue(new TextEncoder().encode(next))
      }
    })
    const response = await fetch(worker.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE, 'cf-connecting-ip': nextIp(), 'cf-ray': nextRay() },
      body: stream,
      duplex: 'half'
    } as RequestInit)
    t.equal(response.status, 413, 'chunked')
    t.equal(((await response.json()) as { code: string }).code, 'too_large')
  })
})

t.test('JSON: malformed or not an object', async t => {
  await nothingCalled(t, async () => {
    for (const raw of ['{"name": "Anna",', '', 'undefined', '{\'name\': 1}']) {
      const answer = await post(worker.endpoint, null, { raw, ip: nextIp() })
      t.equal(answer.status, 400, JSON.stringify(raw))
      t.equal(answer.body.code, 'invalid_json')
    }
    const notUtf8 = await fetch(worker.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE },
      body: new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) // {"n":"\xff\xfe"}
    })
    t.equal(notUtf8.status, 400, 'bytes that are not UTF-8')
    t.equal(((await notUtf8.json()) as { code: string }).code, 'invalid_json')
    for (const raw of ['[]', '"hello"', '42', 'null']) {
      const answer = await post(worker.endpoint, null, { raw, ip: nextIp() })
      t.equal(answer.status, 400, raw)
      t.same(answer.body.fields, { body: 'type' }, `${raw}: not an object`)
      t.equal(answer.body.code, 'invalid_input')
    }
  })
})

t.test('routes and methods', async t => {
  await nothingCalled(t, async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(worker.endpoint, { method, headers: { origin: SITE } })
      t.equal(response.status, 405, method)
      t.equal(response.headers.get('allow'), 'POST, OPTIONS')
      t.match(response.headers.get('content-type'), /^application\/json/)
      t.same(await response.json(), { ok: false, code: 'method_not_allowed', message: 'Use POST.' })
    }
    for (const path of ['/', '/api', '/api/contact/', '/api/contacts', '/API/CONTACT']) {
      const response = await fetch(`${worker.url}${path}`, { method: 'POST', headers: { origin: SITE, 'content-type': 'application/json' }, body: '{}' })
      t.equal(response.status, 404, path)
      t.equal(((await response.json()) as { code: string }).code, 'not_found')
    }
    const withQuery = await post(`${worker.endpoint}?utm_source=x`, { email: 'x' }, { ip: nextIp() })
    t.equal(withQuery.status, 400, 'a query string does not change the route')
  })
})
