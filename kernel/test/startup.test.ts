import t from 'tap'
import { startTestKernel } from '@monozu/kernel/testing'
import { tempPlugins, type TempPlugin } from './helpers/temp-plugin.ts'

/** Starts a kernel with these plugins and returns the start-up error (or closes it and fails). */
async function refusal (plugins: TempPlugin[], options: Parameters<typeof startTestKernel>[0] = {}): Promise<Error & { code?: string }> {
  try {
    const k = await startTestKernel({ ...options, plugins: tempPlugins(plugins) })
    await k.close()
  } catch (err) {
    return err as Error & { code?: string }
  }
  throw new Error('the kernel started but should have refused')
}

t.test('each kind of bad manifest is refused, naming the file, the pointer and the rule', async t => {
  const cases: Array<[string, TempPlugin, string, RegExp]> = [
    ['not JSON', { id: 'broken', manifest: '{ "id": "broken", ' }, 'manifest_unreadable', /broken\/plugin\.json/],
    ['missing kernel range', { id: 'nokernel', manifest: { kernel: undefined } }, 'manifest_invalid', /nokernel\/plugin\.json: \/kernel must have required property 'kernel' \(rule: required/],
    ['bad id', { id: 'badid', manifest: { id: 'Bad_Id' } }, 'manifest_invalid', /\/id must match pattern .* \(rule: pattern/],
    ['bad version', { id: 'badver', manifest: { version: 'one' } }, 'manifest_invalid', /\/version must match pattern .*\(rule: pattern/],
    ['unknown field', { id: 'extra', manifest: { colour: 'red' } }, 'manifest_invalid', /\/colour must NOT have additional properties \(rule: additionalProperties/],
    ['name without Polish', { id: 'nopl', manifest: { name: { en: 'x' } } }, 'manifest_invalid', /\/name\/pl must have required property 'pl'/],
    ['foreign permission id', { id: 'perm', manifest: { permissions: [{ id: 'other.read', description: 'x' }] } }, 'manifest_invalid', /"other\.read" must start with "perm\."/],
    ['bad prefix', { id: 'pre', manifest: { routes: { prefixes: ['api/no-slash'] } } }, 'manifest_invalid', /\/routes\/prefixes\/0 must match pattern/]
  ]
  for (const [what, plugin, code, message] of cases) {
    const err = await refusal([plugin])
    t.equal(err.code, code, `${what}: ${code}`)
    t.match(err.message, message, `${what}: says where and why`)
  }
})

t.test('incompatible kernel range', async t => {
  const err = await refusal([{ id: 'future', manifest: { kernel: '^2.0.0' } }])
  t.equal(err.code, 'kernel_incompatible')
  t.match(err.message, /plugin "future" needs kernel \^2\.0\.0, this kernel is 1\./)
})

t.test('dependencies: missing, out of range, cyclic', async t => {
  const missing = await refusal([{ id: 'needy', manifest: { dependencies: { ghost: '^1.0.0' } } }])
  t.equal(missing.code, 'dependency_missing')
  t.match(missing.message, /"needy" depends on "ghost"/)
  const range = await refusal([{ id: 'base' }, { id: 'picky', manifest: { dependencies: { base: '^3.0.0' } } }])
  t.equal(range.code, 'dependency_version')
  t.match(range.message, /"picky" depends on "base" \^3\.0\.0, but base 1\.0\.0 is installed/)
  const cycle = await refusal([
    { id: 'aa', manifest: { dependencies: { bb: '*' } } },
    { id: 'bb', manifest: { dependencies: { cc: '*' } } },
    { id: 'cc', manifest: { dependencies: { aa: '*' } } }
  ])
  t.equal(cycle.code, 'dependency_cycle')
  t.match(cycle.message, /aa -> bb -> cc -> aa/)
})

t.test('overlapping prefixes and duplicate ids', async t => {
  const overlap = await refusal([{ id: 'one', manifest: { routes: { prefixes: ['/api/v1/shared'] } } }, { id: 'two', manifest: { routes: { prefixes: ['/api/v1/shared/sub'] } } }])
  t.equal(overlap.code, 'prefix_overlap')
  const twice = await refusal([{ id: 'same' }, { id: 'same' }].map((p, i) => ({ ...p, manifest: { version: `1.0.${i}` } })))
  t.equal(twice.code, 'plugin_duplicate')
})

t.test('a tenant table without forced RLS is refused', async t => {
  const err = await refusal([{
    id: 'leaky',
    migrations: { '001-leaky.ts': "export async function up (knex) { await knex.schema.createTable('leaky_rows', t => { t.uuid('tenant_id').notNullable(); t.string('v') }) }\n" }
  }])
  t.equal(err.code, 'rls_missing')
  t.match(err.message, /plugin "leaky": table\(s\) leaky_rows have a tenant_id column/)
  const partner = await refusal([{
    id: 'leaky-partner',
    manifest: { thirdParty: true },
    migrations: { '001-leaky.ts': "export async function up (knex) { await knex.schema.createTable('partner_rows', t => { t.uuid('tenant_id').notNullable() }) }\n" }
  }])
  t.equal(partner.code, 'rls_missing', 'even a third-party plugin cannot leave an unprotected tenant table behind')
})

t.test('PLUGIN_START_FAILURE=disable keeps serving without a failing first-party plugin', async t => {
  const k = await startTestKernel({
    config: { pluginStartFailure: 'disable' },
    plugins: tempPlugins([{ id: 'fragile', source: "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start () { throw new Error('nope') } })\n" }])
  })
  t.teardown(() => k.close())
  t.match((await k.request('GET', '/api/v1/health')).body.plugins, [{ id: 'fragile', state: 'disabled', reason: 'failed to start' }])
})

t.test('plugin code errors stop the boot for first-party plugins', async t => {
  const entry = await refusal([{ id: 'noexport', source: 'export const x = 1\n' }])
  t.equal(entry.code, 'entry_invalid')
  const outside = await refusal([{ id: 'roamer', source: "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start (ctx, app) { app.get('/api/v1/elsewhere', { config: { permission: 'roamer.read' } }, async () => ({})) } })\n" }])
  t.equal(outside.code, 'route_outside_prefix')
  t.match(outside.message, /GET \/api\/v1\/elsewhere outside its prefixes \/api\/v1\/roamer/)
  const unguarded = await refusal([{ id: 'open', source: "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start (ctx, app) { app.get('/api/v1/open/x', async () => ({})) } })\n" }])
  t.equal(unguarded.code, 'route_permission')
  const throws = await refusal([{ id: 'crashy', source: "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start () { throw new Error('boom') } })\n" }])
  t.equal(throws.code, 'plugin_start_failed')
  t.match(throws.message, /plugin "crashy": boom/)
  const config = await refusal([{ id: 'configured', manifest: { config: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } } } }])
  t.equal(config.code, 'config_invalid')
  t.match(config.message, /plugin "configured" configuration \(PLUGIN_CONFIGURED_CONFIG\): \/ must have required property 'url'/)
})

t.test('a third-party plugin that throws is disabled while the rest serves', async t => {
  const dirs = tempPlugins([
    { id: 'healthy', source: "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start (ctx, app) { app.get('/api/v1/healthy/ping', { config: { permission: 'healthy.read' } }, async () => ({ pong: true })) } })\n" },
    {
      id: 'partner',
      manifest: { thirdParty: true },
      source: "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start (ctx, app) { app.get('/api/v1/partner/half', { config: { permission: 'partner.read' } }, async () => ({ served: true })); throw new Error('partner bug') } })\n"
    },
    { id: 'downstream', manifest: { thirdParty: true, dependencies: { partner: '^1.0.0' } } }
  ])
  const k = await startTestKernel({ plugins: dirs })
  t.teardown(() => k.close())
  const health = await k.request('GET', '/api/v1/health')
  t.equal(health.status, 200)
  t.equal(health.body.status, 'degraded')
  t.same(health.body.plugins.map((p: { id: string, state: string }) => [p.id, p.state]).sort(), [['downstream', 'disabled'], ['healthy', 'running'], ['partner', 'disabled']])
  t.notMatch(JSON.stringify(health.body), /partner bug/, 'health does not leak the error text')
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  t.same((await k.request('GET', '/api/v1/healthy/ping', { token })).body, { pong: true }, 'the healthy plugin serves')
  const half = await k.request('GET', '/api/v1/partner/half', { token })
  t.ok([403, 503].includes(half.status), `a route the failed plugin registered before throwing is not served (${half.status} ${half.body.code})`)
  t.notOk(half.body.served, 'its handler never ran')
  const me = await k.request('GET', '/api/v1/me', { token })
  t.notOk(me.body.permissions.includes('partner.read'), 'a disabled plugin grants no permissions')
})

t.test('PostgreSQL: a runtime role that can bypass RLS is refused', { skip: !process.env.DATABASE_URL && 'needs DATABASE_URL (PostgreSQL); .ci/run sets it' }, async t => {
  const err = await refusal([], { config: { databaseAppUrl: process.env.DATABASE_URL } })
  t.equal(err.code, 'db_role_unsafe')
  t.match(err.message, /superuser or BYPASSRLS/)
})
