// Builds the public docs once into a temp folder and checks the result against its sources: the
// content files, the kernel's OpenAPI document (produced here by scripts/openapi.ts on its own,
// not read from the build), the error catalogue and the plugins shipped in the repo.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve, sep } from 'node:path'
import { installedPlugins, problemTypes } from '@monozu/kernel/host'
import { brokenLinks, builtPages } from '../../test-kit/built-site.ts'
import { platformModules, productModules, sitePlugins, summaryOf } from '../../catalogue/modules.ts'
import { forAudience, isInternalOperation } from '../src/generate/audience.ts'
import type { OpenApiDocument } from '../src/generate/api.ts'

const site = resolve(import.meta.dirname, '..')
const repo = resolve(site, '..', '..')
const tmp = mkdtempSync(join(tmpdir(), 'monozu-docs-test-'))
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
const dist = join(tmp, 'dist')

const generator = spawnSync(process.execPath, [join(repo, 'scripts', 'openapi.ts'), join(tmp, 'openapi.json')], { encoding: 'utf8' })
const build = spawnSync('npm', ['run', '-s', 'build', '--', '--outDir', dist], { cwd: site, encoding: 'utf8' })

interface Op { tags?: string[], parameters?: Array<{ name: string, in: string }> }
const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace']

t.equal(generator.status, 0, `scripts/openapi.ts ran${generator.status === 0 ? '' : `: ${generator.stderr.slice(-2000)}`}`)
t.equal(build.status, 0, `the site built${build.status === 0 ? '' : `: ${(build.stdout + build.stderr).slice(-3000)}`}`)
if (generator.status !== 0 || build.status !== 0) t.bailout('nothing to check without the OpenAPI document and the build')

const pages = builtPages(dist)
const fullDoc = JSON.parse(readFileSync(join(tmp, 'openapi.json'), 'utf8')) as OpenApiDocument
// The public reference documents the public operations only (src/generate/audience.ts).
const doc = forAudience(fullDoc, 'public') as unknown as { paths: Record<string, Record<string, Op>> }
const internalOps = Object.entries(fullDoc.paths).flatMap(([path, item]) => Object.entries(item)
  .filter(([method, op]) => methods.includes(method) && isInternalOperation(path, op as Op)).map(([method]) => ({ method: method.toUpperCase(), path })))
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item)
  .filter(([method]) => methods.includes(method))
  .map(([method, op]) => ({ method: method.toUpperCase(), path, tag: op.tags?.[0] ?? 'other' })))
const read = (url: string) => readFileSync(pages.get(url) as string, 'utf8')

t.test('every content page, API group and problem type is built', async t => {
  const content = join(site, 'src', 'content', 'docs')
  const files = (readdirSync(content, { recursive: true }) as string[]).filter(f => /\.mdx?$/.test(f))
  t.ok(files.length >= 10, `${files.length} content files`)
  for (const f of files) {
    const route = '/' + relative(content, join(content, f)).split(sep).join('/').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, '')
    const url = route.endsWith('/') ? route : `${route}/`
    t.ok(pages.has(url), `${f} is built at ${url}`)
  }
  for (const tag of new Set(operations.map(o => o.tag))) t.ok(pages.has(`/reference/api/${tag}/`), `API group ${tag}`)
  const problems = problemTypes(installedPlugins(repo).map(p => p.manifest))
  t.ok(problems.some(p => p.plugin === 'devices' && p.code === 'device_already_enrolled'), 'plugin codes are listed with their plugin')
  for (const { code } of problems) t.ok(pages.has(`/problems/${code}/`), `problem page ${code}`)
  t.match(read('/problems/device_already_enrolled/'), /Devices module \(plugin <code[^>]*>devices<\/code>\)/, 'a plugin code names its module')
  t.ok(pages.has('/reference/api/') && pages.has('/problems/'), 'the API and problem indexes')
})

t.test('every internal link and asset resolves', async t => {
  t.same(brokenLinks(dist), [])
})

t.test('the API reference holds every operation of the OpenAPI document, on its tag\'s page', async t => {
  t.ok(operations.length >= 20, `${operations.length} operations`)
  const index = read('/reference/api/')
  for (const op of operations) {
    const marker = `data-method="${op.method}" data-path="${op.path}"`
    t.ok(read(`/reference/api/${op.tag}/`).includes(marker), `${op.method} ${op.path} on /reference/api/${op.tag}/`)
    t.ok(index.includes(`<code>${op.path}</code>`), `${op.path} in the index`)
  }
  const rendered = [...pages.keys()].filter(u => u.startsWith('/reference/api/') && u !== '/reference/api/')
    .reduce((n, u) => n + (read(u).match(/class="api-operation"/g) ?? []).length, 0)
  t.equal(rendered, operations.length, 'no operation is shown twice or invented')
})

t.test('every shipped plugin has a page naming it', async t => {
  // Staff-only plugins (profiles ["management"]) are documented in the internal docs instead.
  const staffOnly = (profiles: string[] | undefined) => profiles !== undefined && profiles.length > 0 && profiles.every(x => x === 'management')
  const ids = installedPlugins(repo).filter(p => !staffOnly(p.manifest.profiles)).map(p => p.manifest.id)
  t.ok(ids.includes('overview'), 'plugins found')
  const modulePages = [...pages.keys()].filter(u => /^\/en\/(modules|guides)\//.test(u)).map(read)
  for (const id of ids) t.ok(modulePages.some(html => /Plugin ids?/.test(html) && new RegExp(`<code[^>]*>${id}</code>`).test(html)), `a module or guide page names plugin ${id}`)
})

t.test('the module list and the roadmap come from the manifests', async t => {
  const modules = productModules(sitePlugins(repo, {}))
  const platform = platformModules(sitePlugins(repo, {}))
  const text = (html: string) => html.replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&')
  for (const [url, lang] of [['/en/modules/', 'en'], ['/modules/', 'pl']] as const) {
    const html = text(read(url))
    for (const m of [...platform, ...modules]) {
      t.match(html, `data-module="${m.id}" data-status="${m.status}"`, `${url}: ${m.id} is ${m.status}, as its manifest (or its absence) says`)
      t.match(html, m.name[lang], `${url}: ${m.id} named "${m.name[lang]}"`)
      const summary = summaryOf(m, lang)
      if (summary) t.ok(html.includes(summary), `${url}: ${m.id} described by its manifest's ${lang} summary`)
    }
    if (lang === 'pl') t.notOk(modules.some(m => m.description && html.includes(m.description)), `${url}: no English description on the Polish list`)
  }
  for (const url of ['/en/modules/roadmap/', '/modules/roadmap/']) {
    const listed = [...read(url).matchAll(/data-module="([a-z-]+)" data-status="coming"/g)].map(m => m[1]).sort()
    t.same(listed, modules.filter(m => m.status === 'coming').map(m => m.id).sort(), `${url}: exactly the modules without a plugin`)
    t.notMatch(read(url), /data-status="available"/, `${url}: nothing available on the roadmap`)
    if (!modules.some(m => m.status === 'coming')) t.match(read(url), /data-empty/, `${url}: says that nothing is waiting rather than showing an empty table`)
  }
  t.notMatch(read('/en/modules/roadmap/'), /\/api\/v1\/(itsm|vpn|backup|security)/, 'the roadmap invents no routes')
})

t.test('the public docs publish no internal or operator route', async t => {
  t.ok(internalOps.length >= 10, `the kernel has ${internalOps.length} internal and operator operations to leave out`)
  const all = [...pages.keys()].filter(u => u.endsWith('/') || u.endsWith('.html')).map(u => [u, read(u)] as const)
  for (const { method, path } of internalOps) {
    t.notOk(all.some(([, html]) => html.includes(`data-method="${method}" data-path="${path}"`)), `${method} ${path} is on no page`)
  }
  t.same(all.filter(([, html]) => /X-Internal-Token|\/internal\/v1\/|\/api\/v1\/admin\/|license\/refresh/i.test(html)).map(([u]) => u), [],
    'no page names X-Internal-Token, /internal/v1/, /api/v1/admin/ or the license webhook')
  t.notOk([...pages.keys()].some(u => /\/reference\/api\/(admin|internal)\//.test(u)), 'no admin or internal tag page')
})

t.test('Polish at the root, English under /en/, every guide in both, old URLs still work', async t => {
  for (const url of ['/', '/getting-started/', '/modules/', '/modules/cmdb/', '/modules/devices/', '/self-hosting/']) {
    t.match(read(url), /<html[^>]*lang="pl"/, `${url} is Polish`)
  }
  for (const url of ['/en/', '/en/getting-started/', '/en/modules/', '/en/modules/cmdb/', '/en/self-hosting/']) {
    t.match(read(url), /<html[^>]*lang="en"/, `${url} is English`)
  }
  t.match(read('/modules/devices/'), 'Urządzenia', 'Polish pages use the Polish module names')
  const content = join(site, 'src', 'content', 'docs')
  const files = (readdirSync(content, { recursive: true }) as string[]).filter(f => /\.mdx?$/.test(f)).map(f => f.split(sep).join('/'))
  const english = files.filter(f => f.startsWith('en/')).map(f => f.slice(3)).sort()
  const polish = files.filter(f => !f.startsWith('en/')).sort()
  t.same(polish, english, 'every page exists in Polish (the root) and in English (/en/)')
  for (const f of polish) {
    const route = f.replace(/\.mdx?$/, '').replace(/(^|\/)index$/, '')
    const url = route === '' ? '/' : `/${route}/`
    t.notMatch(read(url), /data-fallback|This content is not available in your language yet/, `${url}: a Polish text, not a fallback`)
  }
  // A redirect page: a meta refresh to its target.
  const redirectsTo = (url: string) => /http-equiv="refresh" content="0;url=([^"]+)"/.exec(read(url))?.[1]
  t.equal(redirectsTo('/pl/getting-started/'), '/getting-started/', 'an old Polish URL (/pl/...) leads to its page at the root')
  t.equal(redirectsTo('/pl/'), '/', 'so does the old Polish home')
  t.equal(redirectsTo('/en/problems/device_already_enrolled/'), '/problems/device_already_enrolled/', 'the language switch on a problem page lands on the one problem page')
  t.equal(redirectsTo('/en/reference/api/'), '/reference/api/', 'and on the API reference')
  t.equal(redirectsTo('/guides/operator-console/'), '/self-hosting/', 'a moved page still leads to its successor')
  for (const { code } of problemTypes(installedPlugins(repo).map(p => p.manifest))) {
    if (!pages.has(`/problems/${code}/`)) t.fail(`https://docs.monozu.cloud/problems/${code} (a problem type URL) resolves`)
  }
  t.match(read('/problems/forbidden/'), /<div lang="en">/, 'the English problem text is marked as English under the Polish navigation')
  const websiteLink = (url: string) => /<a href="([^"]+)" data-testid="website-link"/.exec(read(url))?.[1]
  t.equal(websiteLink('/en/'), 'https://monozu.cloud/en/', 'English pages link back to the English website')
  t.equal(websiteLink('/'), 'https://monozu.cloud/', 'Polish pages to the Polish one')
  t.ok(pages.has('/404.html'), 'one 404 page for static hosts')
  t.notMatch(build.stdout + build.stderr, /conflicts with higher priority route|collection "i18n" does not exist|Entry docs → 404 was not found/, 'no /404 route conflict, no i18n collection warning')
  t.notMatch(read('/en/modules/cmdb/'), /In the web interface <\/td><td>not yet/, 'the CMDB page no longer says it has no web interface')
})

t.test('Pagefind loads when search is opened, not with every page', async t => {
  const html = read('/modules/cmdb/')
  t.match(html, /<site-search/, 'the search button is there')
  const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map(m => m[1] as string)
  const code = [html, ...scripts.filter(s => s.startsWith('/')).map(s => readFileSync(join(dist, s), 'utf8'))].join('\n')
  t.notMatch(code, /requestIdleCallback/, 'no Pagefind load on idle')
  t.match(code, /loadUI/, 'the UI is loaded by the dialog')
})
