import t from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestKernel } from '@monozu/kernel/testing'
import { checkId, createPlugin } from '../src/scaffold/create.ts'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const cli = join(repo, 'kernel/src/cli.ts')

const env = (extra: Record<string, string> = {}) => {
  const all: Record<string, string | undefined> = { ...process.env, PLUGINS_DIRS: undefined, LOG_LEVEL: 'warn', ...extra }
  for (const key of Object.keys(all)) if (all[key] === undefined) delete all[key]
  return all as NodeJS.ProcessEnv
}
const run = (args: string[], extra: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { env: env(extra), encoding: 'utf8', timeout: 120_000 })

/**
 * A folder outside the repo, as a partner's would be. Its node_modules is the repo's, so the
 * scaffold's tests resolve tap and @monozu/kernel/testing the way an installed SDK would give them.
 */
function partnerFolder (t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'monozu-create-'))
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('a bad id is refused with the reason and a suggestion; nothing is written', async t => {
  const cases: Array<[string, RegExp]> = [
    ['Acme_Notes', /plugin id "Acme_Notes" must be lower-case, e\.g\. "acme-notes"/],
    ['acme notes', /may hold only a-z, 0-9 and -, e\.g\. "acme-notes"/],
    ['9lives', /must start with a letter/],
    ['x', /must be 2 to 32 characters/],
    ['acme-', /may not end with - or hold --/],
    ['admin', /"admin" is reserved by the kernel/],
    ['notes', /a plugin with id "notes" is already installed/]
  ]
  for (const [id, message] of cases) t.match(checkId(id, ['notes']), message, id)
  t.equal(checkId('acme-notes', ['notes']), null)
  // The CLI: the reason on stderr, exit 1, no folder; ids installed in the repo count as taken.
  const dir = partnerFolder(t)
  const res = run(['plugin', 'create', 'cmdb', '--dir', dir])
  t.equal(res.status, 1)
  t.match(res.stderr, /monozu: a plugin with id "cmdb" is already installed/)
  t.notOk(existsSync(join(dir, 'cmdb')), 'nothing written')
  const none = run(['plugin', 'create', '--dir', dir])
  t.equal(none.status, 2)
  t.match(none.stderr, /plugin create needs one plugin id/)
})

t.test('in the repo it writes plugins/<id> and ui-plugins/<id>', async t => {
  const root = mkdtempSync(join(tmpdir(), 'monozu-create-repo-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const created = createPlugin({ id: 'acme-kb', target: { repo: root }, uiSdkRange: '^0.2.0' })
  t.equal(created.backend, join(root, 'plugins', 'acme-kb'))
  t.equal(created.ui, join(root, 'ui-plugins', 'acme-kb'))
  t.ok(existsSync(join(root, 'ui-plugins/acme-kb/test/build.test.ts')))
  t.notOk(created.files.some(f => f.endsWith('.tmpl') || readFileSync(f, 'utf8').includes('{{')), 'every placeholder filled')
})

t.test('a fresh scaffold validates, passes its own tests and loads through PLUGINS_DIRS', async t => {
  const dir = partnerFolder(t)
  const res = run(['plugin', 'create', 'acme-notes', '--dir', dir])
  t.equal(res.status, 0, res.stderr)
  const plugin = join(dir, 'acme-notes')
  const expected = ['plugin.json', 'package.json', 'README.md', 'migrations/001-items.ts', 'src/index.ts', 'src/items.ts', 'src/archive.ts',
    'test/helpers.ts', 'test/items.test.ts', 'test/isolation.test.ts', 'ui/package.json', 'ui/vite.config.ts', 'ui/src/Module.tsx', 'ui/src/messages.ts', 'ui/test/build.test.ts']
  for (const file of expected) {
    t.ok(existsSync(join(plugin, file)), file)
    t.match(res.stdout, join(plugin, file), `printed ${file}`)
  }
  const manifest = JSON.parse(readFileSync(join(plugin, 'plugin.json'), 'utf8'))
  t.match(manifest, {
    id: 'acme-notes',
    kernel: /^\^1\.\d+\.0$/,
    permissions: [{ id: 'acme-notes.read' }, { id: 'acme-notes.write' }],
    channels: [{ id: 'acme-notes', permission: 'acme-notes.read' }],
    jobs: [{ name: 'archive' }],
    ui: { remote: 'acme_notes', exposes: './Module' }
  })

  const before = readFileSync(join(plugin, 'src/index.ts'), 'utf8')
  const again = run(['plugin', 'create', 'acme-notes', '--dir', dir])
  t.equal(again.status, 1)
  t.match(again.stderr, /acme-notes already exists and is not empty: nothing was written/)
  t.equal(readFileSync(join(plugin, 'src/index.ts'), 'utf8'), before, 'the existing plugin is untouched')

  const valid = run(['plugin', 'validate', plugin])
  t.equal(valid.status, 0, valid.stderr)
  t.match(valid.stdout, /acme-notes@0\.1\.0: plugin\.json and .* are valid/)

  // Its own tests (backend on the test kit, UI module built by Vite), unchanged, as a partner runs them.
  const tests = ['test/items.test.ts', 'test/isolation.test.ts', 'ui/test/build.test.ts'].map(f => join(plugin, f))
  const tap = spawnSync(join(repo, 'node_modules/.bin/tap'), ['--timeout=900', '-R', 'tap', ...tests], { cwd: repo, env: env(), encoding: 'utf8', timeout: 1_200_000 })
  t.equal(tap.status, 0, `the scaffold's tests: ${tap.stdout.slice(-3000)}${tap.stderr.slice(-2000)}`)
  // One top-level TAP line per test file: each of the three must be `ok`.
  const files = [...tap.stdout.matchAll(/^(not ok|ok) \d+ - (\S+\.test\.ts)/gm)].map(m => `${m[1]} ${m[2]!.split('/').slice(-2).join('/')}`)
  t.same(files.sort(), ['ok test/isolation.test.ts', 'ok test/items.test.ts', 'ok test/build.test.ts'].sort(), 'its three test files ran and passed')

  // The platform loads it as a partner plugin: PLUGINS_DIRS, no repo plugins named.
  // Unsigned, so allowed explicitly: plugin trust refuses unsigned third-party plugins on PGlite.
  const k = await startTestKernel({ env: { PLUGINS_DIRS: dir, PLUGINS_ALLOW_UNSIGNED: 'true' } })
  t.teardown(() => k.close())
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['acme-notes'])
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const created = await k.request('POST', '/api/v1/acme-notes/items', { token, body: { title: 'loaded' } })
  t.equal(created.status, 201, JSON.stringify(created.body))
  t.match((await k.request('GET', '/api/v1/acme-notes/items', { token })).body.items, [{ title: 'loaded' }])
})
