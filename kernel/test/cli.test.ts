import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@monozu/kernel/testing'
import { tempPlugins } from './helpers/temp-plugin.ts'
import { fixture } from './helpers/paths.ts'

// Each case starts the real CLI, which migrates its own database from scratch (no test-kit
// template): on PostgreSQL beside a busy CI that passed tap's 180 s per file (128 s for one case).
t.setTimeout(420_000)
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const fixtures = fileURLToPath(new URL('./fixtures/plugins', import.meta.url))

function tempDir (t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'monozu-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

// The CLI always runs on the embedded database here: the PostgreSQL paths are covered by the kit.
const baseEnv = (extra: Record<string, string>) => {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, PLUGINS_DIRS: undefined, LOG_LEVEL: 'warn', ...extra }
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  return env as NodeJS.ProcessEnv
}
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [cli, ...args], { env: baseEnv(env), encoding: 'utf8', timeout: 120_000 })

t.test('a bad environment value stops start-up, naming the variable', async t => {
  const res = run(['start'], { PORT: 'eighty', DATA_DIR: tempDir(t) })
  t.equal(res.status, 1)
  t.match(res.stderr, /config_invalid.*PORT="eighty" is not valid: expected an integer port 0-65535/)
  const level = run(['start'], { LOG_LEVEL: 'loud', DATA_DIR: tempDir(t) })
  t.match(level.stderr, /LOG_LEVEL="loud" is not valid: expected one of fatal, error/)
  const db = run(['start'], { DATABASE_URL: 'mysql://x', DATA_DIR: tempDir(t) })
  t.match(db.stderr, /DATABASE_URL="mysql:\/\/x" is not valid: expected postgres:\/\/\.\.\. or mssql:\/\/\.\.\./)
  t.match(run(['start', '--profile', 'everything']).stderr, /--profile must be all, cloud, ingest or management/)
  t.equal(run(['frobnicate']).status, 2, 'unknown command: usage, exit 2')
})

t.test('plugin validate', async t => {
  const ok = run(['plugin', 'validate', fixture('fx-notes')])
  t.equal(ok.status, 0, ok.stderr)
  t.match(ok.stdout, /fx-notes@1\.2\.0: plugin\.json and .* are valid/)
  const [partner] = tempPlugins([{ id: 'partner-ok' }])
  const external = run(['plugin', 'validate', partner as string])
  t.equal(external.status, 0, `a partner plugin outside the repo resolves @monozu/kernel: ${external.stderr}`)
  const [bad] = tempPlugins([{ id: 'nope', manifest: { kernel: '^9.0.0' } }])
  const res = run(['plugin', 'validate', bad as string])
  t.equal(res.status, 1)
  t.match(res.stderr, /kernel_incompatible.*"nope" needs kernel \^9\.0\.0/)
  const [noEntry] = tempPlugins([{ id: 'noentry', source: 'export const nothing = 1\n' }])
  t.match(run(['plugin', 'validate', noEntry as string]).stderr, /entry_invalid/)
})

t.test('tenant create', async t => {
  const dataDir = tempDir(t)
  const res = run(['tenant', 'create', '--name', 'Initech', '--slug', 'initech', '--admin-email', 'bill@initech.example'], { DATA_DIR: dataDir })
  t.equal(res.status, 0, res.stderr)
  const out = JSON.parse(res.stdout)
  t.match(out, { tenant: { slug: 'initech', name: 'Initech', status: 'active' }, admin: { email: 'bill@initech.example' } })
  t.ok(out.generatedPassword.length >= 16, 'a password is generated when none is given')
  const again = run(['tenant', 'create', '--name', 'Initech', '--slug', 'initech', '--admin-email', 'x@initech.example'], { DATA_DIR: dataDir })
  t.equal(again.status, 1)
  t.match(again.stderr, /A tenant with slug "initech" exists/)
  t.match(run(['tenant', 'create', '--name', 'X', '--slug', 'Bad Slug', '--admin-email', 'a@b.example']).stderr, /--slug must match/)

  const license = run(['license', 'issue', '--tenant', 'initech', '--features', 'cmdb,itsm', '--days', '90'], { DATA_DIR: dataDir })
  t.equal(license.status, 0, license.stderr)
  const issued = JSON.parse(license.stdout)
  t.match(issued, { tenant: 'initech', features: ['cmdb', 'itsm'], seats: 100 })
  t.match(issued.license, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'prints the compact JWS')
  const days = (new Date(issued.expiresAt).getTime() - Date.now()) / 86400_000
  t.ok(days > 89 && days <= 90, `expires in 90 days (${days.toFixed(2)})`)
  t.match(run(['license', 'issue', '--tenant', 'nobody', '--features', 'cmdb'], { DATA_DIR: dataDir }).stderr, /no tenant with slug "nobody"/)
})

t.test('SIGTERM during a slow request: the request completes, then the process exits 0', async t => {
  const port = await freePort()
  const child = spawn(process.execPath, [cli, 'start', '--port', String(port)], {
    env: baseEnv({ DATA_DIR: tempDir(t), PLUGINS_DIRS: fixtures, PLUGINS_ALLOW_UNSIGNED: 'true', MONOZU_DEMO_PASSWORD: 'demo-password-123', LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', d => { output += d })
  child.stderr.on('data', d => { output += d })
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const deadline = Date.now() + 60_000
  while (!output.includes('Monozu Cloud is running at')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${output}`)
    await new Promise(r => setTimeout(r, 100))
  }
  const base = `http://127.0.0.1:${port}`
  t.match(output, /Password: demo-password-123/, 'prints the demo password with the URL')
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@acme.example', password: 'demo-password-123' }) })
  t.equal(login.status, 200, 'the seeded demo admin signs in')
  const { accessToken } = await login.json() as { accessToken: string }
  const features = await (await fetch(`${base}/api/v1/me/features`, { headers: { authorization: `Bearer ${accessToken}` } })).json() as { features: Array<{ id: string }> }
  t.ok(features.features.some(f => f.id === 'fx-gated'), 'the demo tenant holds a dev license for every installed feature')
  const slow = fetch(`${base}/api/v1/fx-notes/slow?ms=1500`, { headers: { authorization: `Bearer ${accessToken}` } })
  await new Promise(r => setTimeout(r, 400))
  child.kill('SIGTERM')
  const res = await slow
  t.equal(res.status, 200, 'the in-flight request completes')
  t.same(await res.json(), { done: true })
  t.equal(await exited, 0, 'then the process exits 0')
  t.match(output, /"msg":"shutting down: finishing in-flight requests"/)
  await t.rejects(fetch(`${base}/api/v1/health`), 'no longer accepting')
})
