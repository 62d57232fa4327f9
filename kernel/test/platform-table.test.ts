import t from 'tap'
import { startTestKernel } from '@monozu/kernel/testing'
import { tempPlugins } from './helpers/temp-plugin.ts'

// A plugin with platform data (one copy for all tenants) and an operators' route.
const migration = `import { platformTable } from '@monozu/kernel'
export async function up (knex) { await platformTable(knex, 'fx_catalogue', t => { t.string('key').primary(); t.string('value') }) }
`
const source = `import { definePlugin } from '@monozu/kernel'
export default definePlugin({ start (ctx, app) {
  app.post('/api/v1/catalogue/refresh', { config: { operator: true } }, async request => {
    await ctx.db.platform({ actor: request.auth.userId, reason: 'catalogue refresh' }, trx => trx('fx_catalogue').insert({ key: 'k' + Date.now(), value: 'v' }))
    return { refreshed: true }
  })
  app.get('/api/v1/catalogue/items', { config: { permission: 'catalogue.read' } }, async request => ({ items: await request.withTenant(trx => trx('fx_catalogue').select('key', 'value')) }))
  app.post('/api/v1/catalogue/items', { config: { permission: 'catalogue.read' } }, async request => request.withTenant(trx => trx('fx_catalogue').insert({ key: 'tenant', value: 'x' })).then(() => ({ ok: true })))
} })
`

t.test('a platform table is read by every tenant and written only in the platform scope; an operator route takes operators only', async t => {
  const k = await startTestKernel({ plugins: tempPlugins([{ id: 'catalogue', source, migrations: { '001-catalogue.ts': migration } }]) })
  t.teardown(() => k.close())
  const operator = await k.signInOperator()
  const refreshed = await k.request('POST', '/api/v1/catalogue/refresh', { token: operator.token })
  t.equal(refreshed.status, 200, JSON.stringify(refreshed.body))
  const [acme, globex] = [await k.createTenant(), await k.createTenant()]
  const [a, g] = [await k.signIn(acme, ['tenant-admin']), await k.signIn(globex, ['tenant-admin'])]
  t.equal((await k.request('POST', '/api/v1/catalogue/refresh', { token: a.token })).status, 403, 'a tenant admin is not an operator')
  t.equal((await k.request('POST', '/api/v1/catalogue/refresh')).status, 401)
  for (const user of [a, g]) t.equal((await k.request('GET', '/api/v1/catalogue/items', { token: user.token })).body.items.length, 1, 'every tenant reads the one copy')
  const write = await k.request('POST', '/api/v1/catalogue/items', { token: a.token })
  t.equal(write.status, 500, 'a tenant transaction cannot write platform data')
  t.equal(Number((await k.owner('fx_catalogue').count({ n: '*' }).first())?.n), 1)
})
