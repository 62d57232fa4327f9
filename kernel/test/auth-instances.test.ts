import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freshDatabase, waitFor } from '@monozu/kernel/testing'
import { startInstance, type Instance } from './helpers/instance.ts'

// Limits and revocations are only real if they hold for N instances behind a load balancer:
// two kernel processes on one PostgreSQL database, attacked through both.
const adminUrl = process.env.DATABASE_URL
const skip = !adminUrl && 'needs PostgreSQL (DATABASE_URL); .ci/run sets it'
const PASSWORD = 'auth-instances-demo-password'

t.test('sign-in limits and session revocation across two kernel processes', { skip }, async t => {
  const db = await freshDatabase(adminUrl as string)
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-auth-instances-'))
  const plugins = mkdtempSync(join(tmpdir(), 'monozu-no-plugins-'))
  const instances: Instance[] = []
  t.teardown(async () => {
    for (const i of instances) if (i.child.exitCode === null && i.child.signalCode === null) i.child.kill('SIGKILL')
    await Promise.all(instances.map(i => i.exited))
    await db.drop()
    for (const dir of [dataDir, plugins]) rmSync(dir, { recursive: true, force: true })
  })
  const env = { DATABASE_URL: db.url, DATA_DIR: dataDir, PLUGINS_DIRS: plugins, PLUGINS_ALLOW_UNSIGNED: 'true', MONOZU_DEMO_PASSWORD: PASSWORD }
  const [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)])
  instances.push(a!, b!)
  const [A, B] = [a!, b!]

  const post = (i: Instance, path: string, body: unknown, token?: string, method = 'POST') =>
    fetch(`${i.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })
  const signIn = async (i: Instance, email: string, password: string) => {
    const res = await post(i, '/api/v1/auth/login', { email, password })
    if (res.status !== 200) throw new Error(`sign-in on ${i.name}: ${res.status} ${await res.text()}`)
    return (await res.json() as { accessToken: string }).accessToken
  }
  const me = (i: Instance, token: string) => fetch(`${i.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })

  await t.test('a password reset on A ends the old token on B within 2 s; the new one works on B at once', async t => {
    const admin = await signIn(A, 'admin@acme.example', PASSWORD)
    const created = await post(A, '/api/v1/users', { email: 'moved@acme.example', name: 'Moved', password: 'first-password-1', roles: ['member'] }, admin)
    t.equal(created.status, 201)
    const { id } = await created.json() as { id: string }
    const stolen = await signIn(A, 'moved@acme.example', 'first-password-1')
    t.equal((await me(B, stolen)).status, 200, 'B has the account cached')
    t.equal((await post(A, `/api/v1/users/${id}`, { password: 'second-password-2' }, admin, 'PATCH')).status, 200)
    const refused = await waitFor('B to refuse the old token', async () => {
      const res = await me(B, stolen)
      return res.status !== 200 && res
    }, 2000)
    t.equal(refused.status, 401)
    const fresh = await signIn(A, 'moved@acme.example', 'second-password-2')
    t.equal((await me(B, fresh)).status, 200, 'the new session works on B with no wait')
  })

  await t.test('120 parallel wrong passwords through both instances: at most 5 are checked', async t => {
    const results = await Promise.all(Array.from({ length: 120 }, (_, n) =>
      post(n % 2 ? A : B, '/api/v1/auth/login', { email: 'admin@globex.example', password: `guess-${n}` }).then(r => r.status)))
    const unauthorized = results.filter(s => s === 401).length
    t.equal(unauthorized, 5, `${unauthorized} × 401`)
    t.equal(results.filter(s => s === 429).length, 115)
    for (const i of [A, B]) t.equal((await post(i, '/api/v1/auth/login', { email: 'admin@globex.example', password: PASSWORD })).status, 429, `the right password is refused on ${i.name}`)
  })
})
