// Builds the internal docs once into a temp folder and checks the result against its sources: the
// content files, the plugins shipped in the repo (found by the kernel's own discovery) and the kernel's
// OpenAPI document (produced here by scripts/openapi.ts on its own, not read from the build).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve, sep } from 'node:path'
import { installedPlugins } from '@monozu/kernel/host'
import { brokenLinks, builtPages } from '../../test-kit/built-site.ts'

const site = resolve(import.meta.dirname, '..')
const repo = resolve(site, '..', '..')
const tmp = mkdtempSync(join(tmpdir(), 'monozu-internal-docs-test-'))
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
const dist = join(tmp, 'dist')

const generator = spawnSync(process.execPath, [join(repo, 'scripts', 'openapi.ts'), join(tmp, 'openapi.json')], { encoding: 'utf8' })
const build = spawnSync('npm', ['run', '-s', 'build', '--', '--outDir', dist], { cwd: site, encoding: 'utf8' })

t.equal(generator.status, 0, `scripts/openapi.ts ran${generator.status === 0 ? '' : `: ${generator.stderr.slice(-2000)}`}`)
t.equal(build.status, 0, `the site built${build.status === 0 ? '' : `: ${(build.stdout + build.stderr).slice(-3000)}`}`)
if (generator.status !== 0 || build.status !== 0) t.bailout('nothing to check without the OpenAPI document and the build')

const pages = builtPages(dist)
const read = (url: string) => readFileSync(pages.get(url) as string, 'utf8')

const installed = installedPlugins(repo)
const shipped = installed.map(p => p.manifest)
const doc = JSON.parse(readFileSync(join(tmp, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, { tags?: string[] }>> }
const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace']
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item)
  .filter(([method]) => methods.includes(method))
  .map(([method, op]) => ({ method: method.toUpperCase(), path, tags: op.tags ?? [] })))

t.test('every content page and every plugin page is built', async t => {
  const content = join(site, 'src', 'content', 'docs')
  const files = (readdirSync(content, { recursive: true }) as string[]).filter(f => /\.mdx?$/.test(f))
  for (const f of files) {
    const route = '/' + relative(content, join(content, f)).split(sep).join('/').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, '')
    const url = route.endsWith('/') ? route : `${route}/`
    t.ok(pages.has(url), `${f} is built at ${url}`)
  }
  t.ok(pages.has('/reference/plugins/'), 'the plugin index')
})

t.test('every internal link and asset resolves', async t => {
  t.same(brokenLinks(dist), [])
})

t.test('the runbooks exist and name real variables', async t => {
  const runbooks = ['rotate-jwt-signing-keys', 'rotate-internal-secrets', 'rotate-device-key', 'backup-and-restore', 'scale-out', 'dead-events']
  for (const r of runbooks) t.ok(pages.has(`/runbooks/${r}/`), `runbook ${r}`)
  // Every SCREAMING_CASE variable a runbook names is one the kernel or a plugin actually reads.
  const config = readFileSync(join(repo, 'kernel', 'src', 'config', 'config.ts'), 'utf8')
  const known = new Set([...config.matchAll(/env: '([A-Z0-9_]+)'/g)].map(m => m[1] as string))
  t.ok(known.has('INTERNAL_TOKENS') && known.has('DATABASE_URL'), 'variables read from config.ts')
  const pluginVars = new Set(installed.map(p => p.configVariable))
  const shellVars = new Set(['DATA_DIR', 'URL', 'TOKEN', 'ADMIN_URL', 'SECRET', 'CREATED_AT', 'PATH'])
  for (const r of runbooks) {
    const text = read(`/runbooks/${r}/`).replace(/<[^>]+>/g, '')
    for (const m of text.matchAll(/\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/g)) {
      const name = m[1] as string
      if (known.has(name) || pluginVars.has(name) || shellVars.has(name)) continue
      t.fail(`${r} names ${name}, which nothing reads`)
    }
  }
})

t.test('the service map is drawn statically', async t => {
  const html = read('/service-map/')
  t.match(html, /<svg[^>]*class="service-map"/)
  for (const box of ['kernel', 'ingest', 'postgres', 'redis', 'management', 'contact', 'sites']) t.match(html, `data-box="${box}"`)
  t.notMatch(html, /mermaid/i, 'no client-side diagram script')
  t.match(html, 'data-link="browser-contact"', 'the visitor\'s browser posts to the contact API')
  t.notMatch(html, 'data-link="sites-contact"', 'the static site itself sends nothing')
})

t.test('the operator and internal API, left out of the public reference, is here', async t => {
  const html = read('/reference/internal-api/')
  const internal = operations.filter(o => o.tags.some(tag => ['admin', 'internal'].includes(tag)) || /^\/(internal\/|api\/v1\/admin\/)/.test(o.path))
  t.ok(internal.length >= 10, `${internal.length} internal and operator operations`)
  for (const op of internal) t.match(html, `data-operation="${op.method} ${op.path}"`, `${op.method} ${op.path}`)
  t.notMatch(html, /data-operation="[A-Z]+ \/api\/v1\/(me|users|cmdb|devices)\b/, 'and no public operation')
  t.ok(pages.has('/operator-console/'), 'the operator console guide moved here')
})

t.test('one 404 page, no route conflict or i18n warning', async t => {
  t.ok(pages.has('/404.html'), '/404.html for static hosts')
  t.notMatch(build.stdout + build.stderr, /conflicts with higher priority route|collection "i18n" does not exist|Entry docs → 404 was not found/, 'no warning')
})

t.test('the plugin reference lists every shipped plugin with its manifest and routes', async t => {
  t.ok(shipped.some(m => m.id === 'overview'), `${shipped.length} shipped plugins`)
  const index = read('/reference/plugins/')
  t.match(index, 'kernel/test/fixtures', 'says the test fixtures are excluded')
  for (const m of shipped) {
    t.match(index, `data-plugin="${m.id}"`, `${m.id} in the index`)
    const url = `/reference/plugins/${m.id}/`
    t.ok(pages.has(url), `${m.id} has a page`)
    if (!pages.has(url)) continue
    const html = read(url)
    t.match(html, `<code>${m.kernel}</code>`, `${m.id}: kernel range`)
    t.match(html, `<td>${m.version}</td>`, `${m.id}: version`)
    if (m.license?.feature) t.match(html, `<code>${m.license.feature}</code>`, `${m.id}: license feature`)
    for (const dep of Object.keys(m.dependencies ?? {})) t.match(html, `href="/reference/plugins/${dep}/"`, `${m.id}: dependency ${dep}`)
    for (const p of m.permissions ?? []) t.match(html, `<code>${p.id}</code>`, `${m.id}: permission ${p.id}`)
    for (const c of m.channels ?? []) t.match(html, `<code>${c.id}</code>`, `${m.id}: channel ${c.id}`)
    for (const j of m.jobs ?? []) t.match(html, `<code>${m.id}:${j.name}</code>`, `${m.id}: job ${j.name}`)
    for (const k of m.ingest ?? []) t.match(html, `id="kind-${k.kind}"`, `${m.id}: ingest kind ${k.kind}`)
    for (const code of Object.keys(m.errors ?? {})) t.match(html, `data-error="${code}"`, `${m.id}: error code ${code}`)
    const profiles = installed.find(p => p.manifest.id === m.id)?.profiles ?? []
    t.match(html, new RegExp(`Runs in profiles</th><td>${profiles.map(p => `<code>${p}</code>`).join(' ')}`), `${m.id}: runs in ${profiles.join(', ')}, as the kernel selects`)
    const routes = operations.filter(o => o.tags.includes(m.id))
    for (const r of routes) t.match(html, `data-route="${r.method} ${r.path}"`, `${m.id}: route ${r.method} ${r.path}`)
  }
  t.ok(shipped.some(m => Object.keys(m.errors ?? {}).includes('invalid_device_key')), 'a plugin with its own error codes to check')
  t.same(installed.find(p => p.manifest.id === 'edge-ingest')?.profiles, ['all', 'ingest'], 'edge-ingest runs in the ingest profile only')
  const overview = operations.filter(o => o.tags.includes('overview'))
  t.ok(overview.length > 0, 'the overview plugin has tagged routes to check')
})
