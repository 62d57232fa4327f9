// Every answer of the contact API, whatever its outcome, tells browsers: render nothing from it,
// never frame it, send no referrer on from it, and only ever reach it over https.

import t from 'tap'
import { API_KEY, SECRET, baseEnv, nextIp, post, startWorker, validForm } from './run-worker.ts'
import { startResend, startSiteverify } from './stand-ins.ts'

const siteverify = await startSiteverify(SECRET)
const resend = await startResend(API_KEY)
const w = await startWorker({ ...baseEnv(siteverify.verifyUrl, resend.url), ALLOWED_ORIGINS: 'https://monozu.cloud' })
t.teardown(async () => { await w.stop(); await siteverify.close(); await resend.close() })

const origin = { origin: 'https://monozu.cloud' }
const answers: Array<[string, () => Promise<{ status: number, headers: Headers }>]> = [
  ['a sent message', () => post(w.endpoint, validForm(), { ip: nextIp(), ...origin })],
  ['a refused field', () => post(w.endpoint, { ...validForm(), email: 'not an address' }, { ip: nextIp(), ...origin })],
  ['a refused origin', () => post(w.endpoint, validForm(), { ip: nextIp(), origin: 'https://evil.example' })],
  ['a preflight', () => fetch(w.endpoint, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'POST' } })],
  ['an OPTIONS without Origin', () => fetch(w.endpoint, { method: 'OPTIONS' })],
  ['an unknown path', () => fetch(`${w.url}/nope`)]
]

for (const [what, send] of answers) {
  t.test(what, async t => {
    const { headers } = await send()
    t.equal(headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'", 'a CSP that allows nothing')
    t.equal(headers.get('x-frame-options'), 'DENY')
    t.equal(headers.get('referrer-policy'), 'no-referrer')
    t.equal(headers.get('x-content-type-options'), 'nosniff')
    t.equal(headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains', 'HSTS (browsers ignore it over plain http)')
  })
}
