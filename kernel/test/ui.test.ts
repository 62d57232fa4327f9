import t from 'tap'
import { fileURLToPath } from 'node:url'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { gated } from './helpers/paths.ts'

const shellDir = fileURLToPath(new URL('./fixtures/shell', import.meta.url))
let k: TestKernel

t.before(async () => { k = await startTestKernel({ plugins: [gated], shellDir }) })
t.teardown(() => k?.close())

const get = (url: string, accept = '*/*') => k.app.inject({ method: 'GET', url, headers: { accept } })

t.test('modules are served at /ui/<id>/ with the headers federation needs', async t => {
  const entry = await get('/ui/fx-gated/remoteEntry.js')
  t.equal(entry.statusCode, 200)
  t.match(entry.headers['content-type'], /javascript/)
  t.equal(entry.headers['access-control-allow-origin'], '*', 'loadable from another origin (UI_BASE_URL on a CDN)')
  t.equal(entry.headers['cache-control'], 'no-cache', 'the entry is revalidated: it names the current chunks')
  t.match(entry.body, /fx-gated module/)
  const chunk = await get('/ui/fx-gated/assets/chunk-abc123.js')
  t.equal(chunk.headers['cache-control'], 'public, max-age=31536000, immutable', 'hashed chunks are cached for good')
  t.equal((await get('/ui/fx-gated/../../../../etc/passwd')).statusCode, 404, 'no path traversal')
  t.equal((await get('/ui/not-a-plugin/remoteEntry.js')).statusCode, 404)
})

t.test('the shell at /, with its routes falling back to index.html', async t => {
  const root = await get('/', 'text/html')
  t.equal(root.statusCode, 200)
  t.match(root.body, /fixture shell/)
  const deep = await get('/m/fx-gated/items/42', 'text/html,application/xhtml+xml')
  t.equal(deep.statusCode, 200)
  t.match(deep.body, /<div id="root">/, 'a deep link gets the shell, which routes it')
  t.equal(deep.headers['cache-control'], 'no-cache')
  t.equal((await get('/assets/app-1a2b.js')).headers['cache-control'], 'public, max-age=31536000, immutable')
  const api = await get('/api/v1/nope', 'text/html')
  t.equal(api.statusCode, 404, 'API paths never fall back to the shell')
  t.equal(api.json().code, 'not_found')
  t.equal((await get('/missing.js')).statusCode, 404, 'a missing file is a 404, not the shell')
})

t.test('the sign-in page learns how a tenant signs in', async t => {
  const tenant = await k.createTenant({ slug: 'methods' })
  void tenant
  const res = await get('/api/v1/auth/methods?tenant=methods')
  t.same(res.json(), { password: true, oidc: false, oidcLoginUrl: null })
  t.same((await get('/api/v1/auth/methods')).json(), { password: true, oidc: false, oidcLoginUrl: null })
  t.equal((await get('/api/v1/auth/methods?tenant=Bad%20Slug')).statusCode, 400)
})
