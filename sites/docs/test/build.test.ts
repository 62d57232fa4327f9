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

const site = resolve(import.meta.dirname, '..')
const repo = resolve(site, '..', '..')
const tmp = mkdtempSync(join(tmpdir(), 'monozu-docs-test-'))
t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
const dist = join(tmp, 'dist')

const generator = spawnSync(process.execPath, [join(repo, 'scripts', 'openapi.ts'), join(tmp, 'openapi.json')], { encoding: 'utf8' })
const build = spawnSync('npm', ['run', '-s', 'build', '--', '--outDir', dist], { cwd: site, encoding: 'utf8' })

interface Op { tags?: string[] }
const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace']

t.equal(generator.status, 0, `scripts/openapi.ts ran${generator.status === 0 ? '' : `: ${generator.stderr.slice(-2000)}`}`)
t.equal(build.status, 0, `the site built${build.status === 0 ? '' : `: ${(build.stdout + build.stderr).slice(-3000)}`}`)
if (generator.status !== 0 || build.status !== 0) t.bailout('nothing to check without the OpenAPI document and the build')

const pages = builtPages(dist)
const doc = JSON.parse(readFileSync(join(tmp, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Op>> }
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
    const url = route === '/404' ? '/404.html' : route.endsWith('/') ? route : `${route}/`
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
  const ids = installedPlugins(repo).map(p => p.manifest.id)
  t.ok(ids.includes('overview'), 'plugins found')
  const modulePages = [...pages.keys()].filter(u => /^\/(modules|guides)\//.test(u)).map(read)
  for (const id of ids) t.ok(modulePages.some(html => /Plugin ids?/.test(html) && new RegExp(`<code[^>]*>${id}</code>`).test(html)), `a module or guide page names plugin ${id}`)
})

t.test('the roadmap names the planned areas without inventing routes', async t => {
  const roadmap = read('/modules/roadmap/')
  for (const area of ['ITSM', 'VPN', 'Backup', 'Security']) t.match(roadmap, area)
  t.notMatch(roadmap, /\/api\/v1\/(itsm|vpn|backup|security)/)
})
