import t from 'tap'
import { fileURLToPath } from 'node:url'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { gated } from './helpers/paths.ts'

// What a browser is told about every response: the shell, a module's code, the API and a 404.
// A page framed by another site, an injected inline script or a plugin on the page must all be refused.
const shellDir = fileURLToPath(new URL('./fixtures/shell', import.meta.url))

function directives (header: unknown): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';').map(s => s.trim()).filter(Boolean)) {
    const [name = '', ...values] = part.split(/\s+/)
    map.set(name, values)
  }
  return map
}

async function kernelWith (config: Record<string, string>): Promise<TestKernel> {
  return startTestKernel({ plugins: [gated], shellDir, config })
}

const paths = [
  { path: '/', accept: 'text/html', what: 'the shell' },
  { path: '/m/fx-gated/items/42', accept: 'text/html', what: 'a deep link' },
  { path: '/ui/fx-gated/remoteEntry.js', accept: '*/*', what: 'a module\'s code' },
  { path: '/api/v1/auth/methods', accept: 'application/json', what: 'an API answer' },
  { path: '/api/v1/nope', accept: 'application/json', what: 'a problem+json 404' }
]

t.test('over http: a strict CSP and the framing and referrer headers, no HSTS', async t => {
  const k = await kernelWith({ publicUrl: 'http://127.0.0.1:8080' })
  t.teardown(() => k.close())
  for (const { path, accept, what } of paths) {
    const res = await k.app.inject({ method: 'GET', url: path, headers: { accept } })
    const csp = directives(res.headers['content-security-policy'])
    t.same(csp.get('script-src'), ["'self'"], `${what}: scripts only from this origin, no inline script`)
    t.same(csp.get('object-src'), ["'none'"], `${what}: no plugins`)
    t.same(csp.get('frame-ancestors'), ["'none'"], `${what}: never framed`)
    t.same(csp.get('base-uri'), ["'self'"], `${what}: no <base> hijack`)
    t.same(csp.get('connect-src'), ["'self'", 'ws://127.0.0.1:8080'], `${what}: API and channels on this origin only`)
    t.notOk([...csp.values()].flat().includes("'unsafe-inline'"), `${what}: nothing inline`)
    t.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options for older browsers`)
    t.equal(res.headers['referrer-policy'], 'no-referrer', `${what}: no referrer leaves`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: no sniffing`)
    t.equal(res.headers['strict-transport-security'], undefined, `${what}: no HSTS over http`)
  }
  const entry = await k.app.inject({ method: 'GET', url: '/ui/fx-gated/remoteEntry.js' })
  t.equal(entry.headers['cross-origin-resource-policy'], 'cross-origin', 'module code stays loadable by a shell on another origin')
  t.equal((await k.app.inject({ method: 'GET', url: '/api/v1/auth/methods' })).headers['cross-origin-resource-policy'], 'same-origin', 'the API is not')
})

t.test('over https: HSTS, secure sockets, and a CDN for modules when UI_BASE_URL names one', async t => {
  const k = await kernelWith({ publicUrl: 'https://cloud.monozu.example', uiBaseUrl: 'https://cdn.monozu.example/ui' })
  t.teardown(() => k.close())
  for (const { path, accept, what } of paths) {
    const res = await k.app.inject({ method: 'GET', url: path, headers: { accept } })
    t.match(res.headers['strict-transport-security'], /^max-age=31536000; includeSubDomains$/, `${what}: HSTS for a year`)
    const csp = directives(res.headers['content-security-policy'])
    t.same(csp.get('connect-src'), ["'self'", 'wss://cloud.monozu.example', 'https://cdn.monozu.example'], `${what}: wss channels`)
    t.same(csp.get('script-src'), ["'self'", 'https://cdn.monozu.example'], `${what}: module code from the CDN`)
    t.same(csp.get('style-src'), ["'self'", 'https://cdn.monozu.example'], `${what}: module styles from the CDN`)
    t.ok(csp.has('upgrade-insecure-requests'), `${what}: no mixed content`)
  }
})
