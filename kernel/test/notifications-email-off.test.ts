import t from 'tap'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { alertsFixture } from './helpers/paths.ts'
import { startSmtp, type TestSmtp } from './helpers/smtp.ts'

let smtp: TestSmtp
let k: TestKernel
const logLines: string[] = []

t.before(async () => {
  // A mail server is listening, but nothing tells the kernel about it.
  smtp = await startSmtp()
  k = await startTestKernel({ plugins: [alertsFixture], log: { level: 'info', stream: { write: (line: string) => logLines.push(line) } } })
})
t.teardown(async () => { await k?.close(); await smtp?.close() })

t.test('without SMTP_URL email is off: one info line, notifications in-app only, nothing sent', async t => {
  const off = logLines.map(l => JSON.parse(l)).filter(l => /email is off/.test(l.msg))
  t.equal(off.length, 1, 'said once at start')
  t.equal(off[0].level, 30, 'at info level')
  t.equal(k.kernel.services.email, null)

  const tenant = await k.createTenant({ slug: 'mail-off' })
  const { token, user } = await k.signIn(tenant, ['member'])
  const sent = await k.pluginContext('fx-alerts').notify({
    tenantId: tenant.id, type: 'fx-alerts.threshold', to: { users: [user.id] },
    title: { en: 'Disk almost full', pl: 'Dysk prawie pełny' }, body: { en: 'C: at 95%', pl: 'C: w 95%' }
  })
  t.equal(sent.recipients, 1)
  const list = await k.request('GET', '/api/v1/notifications', { token })
  t.equal(list.status, 200)
  t.equal(list.body.items.length, 1, 'delivered in-app')
  const row = await k.owner('notifications').where({ tenant_id: tenant.id, user_id: user.id }).first()
  t.equal(row.email_state, 'none', 'nothing queued that a later SMTP_URL would send late')
  t.equal(row.emailed_at, null)
  const jobs = await k.owner('jobs').where({ plugin: 'kernel' }).where('name', 'like', 'notifications.email%').count({ n: '*' }).first()
  t.equal(Number(jobs?.n), 0, 'no email job was enqueued')
  await t.rejects(() => k.kernel.services.jobs.forPlugin('kernel').enqueue('notifications.email', {}, { tenantId: tenant.id }), /no job "notifications.email" declared/, 'the email jobs do not exist')
  t.equal(smtp.messages.length, 0, 'the mail server received nothing')
})

t.test('without SMTP_URL an email-only preference stores nothing', async t => {
  const tenant = await k.createTenant({ slug: 'mail-off-only' })
  const { token, user } = await k.signIn(tenant, ['member'])
  const saved = await k.request('PUT', '/api/v1/notifications/preferences', { token, body: { types: [{ type: 'fx-alerts.threshold', inApp: false, email: true }] } })
  t.equal(saved.status, 200)
  const sent = await k.pluginContext('fx-alerts').notify({
    tenantId: tenant.id, type: 'fx-alerts.threshold', to: { users: [user.id] },
    title: { en: 'Disk almost full', pl: 'Dysk prawie pełny' }, body: { en: 'C: at 95%', pl: 'C: w 95%' }
  })
  t.equal(sent.recipients, 0, 'nobody is reached: email is off and the user turned in-app off')
  t.equal(Number((await k.owner('notifications').where({ tenant_id: tenant.id }).count({ n: '*' }).first())?.n), 0, 'no row waits for a mailer')
})
