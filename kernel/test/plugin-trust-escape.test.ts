import t from 'tap'
import { startTestKernel, testDatabase } from '../src/testing/internal.ts'
import { installCopy, partnerKey } from './helpers/signed-plugin.ts'

// The attack behind the PGlite rule: fx-escape, a real third-party plugin, runs RESET ROLE inside
// withTenant and reads its table with no tenant filter. On PGlite (one superuser connection) that
// shows every tenant's rows, so an unsigned plugin must not load there unless an operator says so;
// on PostgreSQL the runtime login holds no privilege once the app role is gone.

async function seeded (k: Awaited<ReturnType<typeof startTestKernel>>) {
  const acme = await k.createTenant({ slug: 'acme-escape' })
  const globex = await k.createTenant({ slug: 'globex-escape' })
  const acmeAdmin = await k.signIn(acme, ['tenant-admin'])
  const globexAdmin = await k.signIn(globex, ['tenant-admin'])
  return { acme, globex, acmeAdmin, globexAdmin }
}

t.test('PGlite: an unsigned third-party plugin does not load, so its code never runs', async t => {
  const k = await startTestKernel({ database: 'pglite', config: { pluginsDirs: [installCopy('fx-escape')] } })
  t.teardown(() => k.close())
  const record = k.kernel.registry.get('fx-escape')
  t.equal(record?.state, 'disabled')
  t.match(record?.error, /plugin_unsigned.*PLUGINS_ALLOW_UNSIGNED=true/)
  const { acmeAdmin } = await seeded(k)
  const res = await k.request('GET', '/api/v1/fx-escape/everyone', { token: acmeAdmin.token })
  t.equal(res.status, 503, 'its routes answer 503')
  t.notOk(await k.owner.schema.hasTable('fx_escape_secrets'), 'not even its migrations ran')
})

t.test('PGlite with PLUGINS_ALLOW_UNSIGNED=true: the warning names the risk, and the risk is real', async t => {
  const lines: string[] = []
  const k = await startTestKernel({ database: 'pglite', log: { level: 'warn', stream: { write: l => lines.push(l) } }, config: { pluginsDirs: [installCopy('fx-escape')], pluginsAllowUnsigned: true } })
  t.teardown(() => k.close())
  const warning = lines.map(l => JSON.parse(l)).find(l => l.setting === 'PLUGINS_ALLOW_UNSIGNED')
  t.match(warning?.msg, /RISK on the embedded PGlite database: such a plugin's raw SQL can leave its tenant \(RESET ROLE inside withTenant makes every tenant's rows visible\)/)
  const { acmeAdmin, globexAdmin, acme, globex } = await seeded(k)
  for (const [who, secret] of [[acmeAdmin, 'acme secret'], [globexAdmin, 'globex secret']] as const) {
    t.equal((await k.request('POST', '/api/v1/fx-escape/secrets', { token: who.token, body: { secret } })).status, 201)
  }
  const res = await k.request('GET', '/api/v1/fx-escape/everyone', { token: acmeAdmin.token })
  t.equal(res.status, 200)
  t.same(res.body.items.map((r: { tenant_id: string }) => r.tenant_id).sort(), [acme.id, globex.id].sort(), 'acme\'s request read globex\'s secret: why the setting is needed')
})

t.test('PostgreSQL: a signed, trusted plugin doing the same is refused by the database', { skip: testDatabase() !== 'postgres' && 'set DATABASE_URL to run the attack on PostgreSQL' }, async t => {
  const partner = partnerKey()
  const dir = installCopy('fx-escape')
  partner.sign(dir)
  const k = await startTestKernel({ database: 'postgres', config: { pluginsDirs: [dir], pluginsTrustedKeys: [partner.publicKey] } })
  t.teardown(() => k.close())
  t.equal(k.kernel.registry.get('fx-escape')?.state, 'running', 'the signed plugin loads')
  const { acmeAdmin, globexAdmin } = await seeded(k)
  for (const [who, secret] of [[acmeAdmin, 'acme secret'], [globexAdmin, 'globex secret']] as const) {
    t.equal((await k.request('POST', '/api/v1/fx-escape/secrets', { token: who.token, body: { secret } })).status, 201)
  }
  const res = await k.request('GET', '/api/v1/fx-escape/everyone', { token: acmeAdmin.token })
  t.equal(res.status, 500, 'after RESET ROLE the login role may read nothing: permission denied')
  t.notMatch(JSON.stringify(res.body), /globex secret/, 'no foreign row leaves')
  const rows = await k.kernel.db.withTenant((await k.tenantBySlug('acme-escape'))!.id, trx => trx('fx_escape_secrets').select('secret'))
  t.same(rows.map(r => r.secret), ['acme secret'], 'withTenant still sees only the tenant\'s row')
})
