import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { checkRoles } from '../src/plugins/pipeline/validate.ts'
import type { PluginManifest } from '../src/plugins/manifest.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import { rolesFixture } from './helpers/paths.ts'

// Plugin roles (plugin.json `roles`): on top of a base role, a role adds some of its plugin's
// permissions, only while the plugin is enabled for the tenant.
let k: TestKernel
let acme: Tenant
let admin: string
t.before(async () => {
  k = await startTestKernel({ plugins: [rolesFixture] })
  acme = await k.createTenant({ slug: 'roles-acme' })
  await k.grantLicense(acme, ['roles'])
  admin = (await k.signIn(acme, ['tenant-admin'])).token
})
t.teardown(() => k?.close())

const take = (token: string) => k.request('POST', '/api/v1/fx-roles/queue/take', { token, body: {} })
const configure = (token: string) => k.request('PUT', '/api/v1/fx-roles/settings', { token, body: {} })

t.test('a plugin role grants its permissions on top of the base role, and nothing more', async t => {
  const member = await k.signIn(acme, ['member'])
  const agent = await k.signIn(acme, ['member', 'fx-roles-agent'])
  t.equal((await take(member.token)).status, 403, 'a member cannot work the queue')
  t.equal((await take(agent.token)).status, 200, 'an agent can')
  t.equal((await k.request('GET', '/api/v1/fx-roles/queue', { token: agent.token })).status, 200, 'and still reads, as a member')
  t.equal((await configure(agent.token)).status, 403, 'but cannot configure')
  const me = await k.request('GET', '/api/v1/me', { token: agent.token })
  t.ok(me.body.permissions.includes('fx-roles.agent'))
  t.notOk(me.body.permissions.includes('fx-roles.admin'))
})

t.test('the role grants nothing while its plugin is off for the tenant', async t => {
  const globex = await k.createTenant({ slug: 'roles-globex' })
  const agent = await k.signIn(globex, ['member', 'fx-roles-agent'])
  const res = await take(agent.token)
  t.equal(res.status, 403)
  t.equal(res.body.code, 'feature_disabled')
})

t.test('tenant admins give and take plugin roles; ids are checked; losing one ends the sessions', async t => {
  const roles = await k.request('GET', '/api/v1/roles', { token: admin })
  t.equal(roles.status, 200)
  t.same(roles.body.items.map((r: { id: string }) => r.id), ['tenant-admin', 'member', 'fx-roles-agent'])
  t.match(roles.body.items[2], { base: false, pluginId: 'fx-roles', name: { en: 'Agent', pl: 'Agent' }, permissions: ['fx-roles.agent'] })
  const member = await k.signIn(acme, ['member'])
  t.equal((await k.request('GET', '/api/v1/roles', { token: member.token })).status, 403, 'members cannot list roles')

  const created = await k.request('POST', '/api/v1/users', { token: admin, body: { email: 'agent@roles.example', name: 'Agent', roles: ['member', 'fx-roles-agent'] } })
  t.equal(created.status, 201)
  t.same(created.body.roles, ['member', 'fx-roles-agent'])
  const unknown = await k.request('POST', '/api/v1/users', { token: admin, body: { email: 'x@roles.example', name: 'X', roles: ['member', 'fx-roles-boss'] } })
  t.equal(unknown.status, 400)
  t.match(unknown.body, { code: 'validation_failed', errors: [{ pointer: '/roles/1', message: /unknown role "fx-roles-boss"/ }] })
  const noBase = await k.request('POST', '/api/v1/users', { token: admin, body: { email: 'y@roles.example', name: 'Y', roles: ['fx-roles-agent'] } })
  t.match(noBase.body, { code: 'validation_failed', errors: [{ pointer: '/roles/0', message: /give a base role/ }] })
  const pluginOnly = await k.request('PATCH', `/api/v1/users/${created.body.id}`, { token: admin, body: { roles: ['fx-roles-agent'] } })
  t.equal(pluginOnly.status, 400, 'a plugin role alone is not enough')

  const agent = await k.signIn(acme, ['member', 'fx-roles-agent'])
  t.equal((await take(agent.token)).status, 200)
  const demoted = await k.request('PATCH', `/api/v1/users/${agent.user.id}`, { token: admin, body: { roles: ['member'] } })
  t.equal(demoted.status, 200)
  t.equal((await take(agent.token)).status, 401, 'losing a role ends the user\'s sessions, as for base roles')
})

t.test('plugins find users by permission, email or id, in their own tenant only', async t => {
  const agent = await k.signIn(acme, ['member', 'fx-roles-agent'])
  const member = await k.signIn(acme, ['member'])
  const globex = await k.createTenant({ slug: 'roles-people' })
  await k.grantLicense(globex, ['roles'])
  const outsider = await k.signIn(globex, ['member', 'fx-roles-agent'])
  const people = (token: string, query: string) => k.request('GET', `/api/v1/fx-roles/people?${query}`, { token })
  const agents = (await people(member.token, 'permission=fx-roles.agent')).body as Array<{ id: string, email: string }>
  t.ok(agents.some(u => u.id === agent.user.id), 'holders of a plugin role\'s permission')
  t.notOk(agents.some(u => u.id === member.user.id), 'not plain members')
  t.notOk(agents.some(u => u.id === outsider.user.id), 'never another tenant\'s users')
  t.ok((await people(member.token, 'permission=fx-roles.admin')).body.length >= 1, 'tenant admins hold every permission')
  const byEmail = (await people(member.token, `email=${encodeURIComponent(agent.user.email.toUpperCase())}`)).body
  t.same(byEmail.map((u: { id: string }) => u.id), [agent.user.id], 'email matches without case')
  t.match(byEmail[0], { id: agent.user.id, name: String, email: agent.user.email, language: 'en' })
  t.same((await people(member.token, `email=${encodeURIComponent(outsider.user.email)}`)).body, [], 'another tenant\'s email is nobody here')
  t.same((await people(member.token, `id=${outsider.user.id}`)).body, [])
  t.same((await people(member.token, 'id=junk')).body, [])
})

t.test('manifest rules: named for the plugin, unique, own permissions only', async t => {
  const manifest = (roles: unknown[]) => ({ id: 'fx-x', permissions: [{ id: 'fx-x.work', description: 'w' }], roles } as unknown as PluginManifest)
  const role = (id: string, permissions = ['fx-x.work']) => ({ id, name: { en: 'R', pl: 'R' }, description: 'r', permissions })
  t.doesNotThrow(() => checkRoles([manifest([role('fx-x-agent')])]))
  t.throws(() => checkRoles([manifest([role('other-agent')])]), /must start with "fx-x-"/)
  t.throws(() => checkRoles([manifest([role('fx-x-agent'), role('fx-x-agent')])]), /declared twice/)
  t.throws(() => checkRoles([manifest([role('fx-x-agent', ['cmdb.write'])])]), /grants "cmdb.write", which the plugin does not declare/)
})
