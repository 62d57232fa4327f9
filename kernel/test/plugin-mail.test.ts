import t from 'tap'
import { startTestKernel, waitFor, type TestKernel } from '../src/testing/internal.ts'
import { startSmtp, type TestSmtp } from './helpers/smtp.ts'
import { tempPlugins } from './helpers/temp-plugin.ts'

// Kernel API 1.6: ctx.mail sends to an address that is not a user (an email-only requester).
// What must hold: only declared plugins send; nothing leaves unless the transaction commits;
// headers cannot be injected; threading headers arrive; a tenant cannot exceed its hourly cap;
// one tenant's mail rows are invisible to another; with email off the row says so.
const source = `import { definePlugin } from '@monozu/kernel'
export default definePlugin({
  start (ctx, app) {
    app.post('/api/v1/PLUGIN/send', { config: { permission: 'PLUGIN.read' } }, async (req, reply) => {
      const body = req.body
      try {
        const sent = await req.withTenant(async trx => {
          const r = await ctx.mail.send({ tenantId: req.auth.tenant.id, ...body.mail }, trx)
          if (body.rollback) throw Object.assign(new Error('rolled back on purpose'), { rollback: true })
          return r
        })
        return reply.code(201).send(sent)
      } catch (err) {
        return reply.code(err.rollback ? 409 : 400).send({ error: err.code ?? err.name, message: err.message })
      }
    })
  }
})
`
const [mailer, silent] = tempPlugins([
  { id: 'fx-mailer', manifest: { mail: true, kernel: '^1.6.0' }, source: source.replaceAll('PLUGIN', 'fx-mailer') },
  { id: 'fx-silent', source: source.replaceAll('PLUGIN', 'fx-silent') }
])

let k: TestKernel
let smtp: TestSmtp
t.before(async () => {
  smtp = await startSmtp()
  k = await startTestKernel({ plugins: [mailer as string, silent as string], config: { smtpUrl: smtp.url, mailFrom: 'Desk <desk@example.com>' } })
})
t.teardown(async () => { await k?.close(); await smtp?.close() })

const send = (token: string, mail: Record<string, unknown>, opts: { plugin?: string, rollback?: boolean } = {}) =>
  k.request('POST', `/api/v1/${opts.plugin ?? 'fx-mailer'}/send`, { token, body: { mail, rollback: opts.rollback ?? false } })

t.test('a declared plugin mails a non-user, with the threading headers it gave', async t => {
  const tenant = await k.createTenant({ slug: 'mail-one' })
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const res = await send(token, { to: 'customer@example.org', subject: '[INC-000001] Printer', text: 'We are on it.', inReplyTo: '<first@customer.example.org>', references: ['<first@customer.example.org>'] })
  t.equal(res.status, 201, JSON.stringify(res.body))
  t.equal(res.body.queued, true)
  t.match(res.body.messageId, /^<[^@]+@example\.com>$/, 'a Message-ID on the sender\'s domain')
  const got = await waitFor('the message at the SMTP server', async () => smtp.messages.find(m => m.envelopeTo.includes('customer@example.org')))
  t.equal(got.subject, '[INC-000001] Printer')
  t.equal(got.text?.trim(), 'We are on it.')
  t.equal(got.messageId, res.body.messageId)
  t.equal(got.inReplyTo, '<first@customer.example.org>')
  t.equal(got.headers.get('auto-submitted'), 'auto-generated')
  const row = await waitFor('the row marked sent', async () => (await k.owner('outbound_mail').where({ id: res.body.id, state: 'sent' }).first()))
  t.equal(row.plugin_id, 'fx-mailer')
  t.equal(row.tenant_id, tenant.id)
})

t.test('nothing is sent when the plugin\'s transaction rolls back', async t => {
  const tenant = await k.createTenant({ slug: 'mail-rollback' })
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const res = await send(token, { to: 'nobody@example.org', subject: 'never', text: 'x' }, { rollback: true })
  t.equal(res.status, 409)
  const ok = await send(token, { to: 'later@example.org', subject: 'after', text: 'x' })
  await waitFor('the later message', async () => smtp.messages.find(m => m.envelopeTo.includes('later@example.org')))
  t.equal(ok.status, 201)
  t.notOk(smtp.messages.some(m => m.envelopeTo.includes('nobody@example.org')), 'the rolled-back message never left')
  t.equal(Number((await k.owner('outbound_mail').where({ recipient: 'nobody@example.org' }).count('* as n').first())?.n), 0, 'and left no row')
})

t.test('attacker side: an undeclared plugin, header injection, several recipients', async t => {
  const tenant = await k.createTenant({ slug: 'mail-attack' })
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  const undeclared = await send(token, { to: 'x@example.org', subject: 's', text: 't' }, { plugin: 'fx-silent' })
  t.equal(undeclared.status, 400)
  t.match(undeclared.body.message, /does not declare "mail": true/)
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ to: 'x@example.org', subject: 'hi\r\nBcc: victim@example.org', text: 't' }, /subject must not contain a line break/],
    [{ to: 'x@example.org\r\nBcc: victim@example.org', subject: 's', text: 't' }, /to must not contain a line break/],
    [{ to: 'a@example.org, b@example.org', subject: 's', text: 't' }, /is not one email address/],
    [{ to: 'not-an-address', subject: 's', text: 't' }, /is not one email address/],
    [{ to: 'x@example.org', subject: 's', text: 't', inReplyTo: 'plain-text' }, /is not a Message-ID/],
    [{ to: 'x@example.org', subject: 'x'.repeat(301), text: 't' }, /longer than 300/],
    [{ to: 'x@example.org', subject: 's', text: 't'.repeat(200_001) }, /at most 200000/]
  ]
  for (const [mail, message] of cases) {
    const res = await send(token, mail)
    t.equal(res.status, 400, `refused: ${String(message)}`)
    t.match(res.body.message, message)
  }
  t.notOk(smtp.messages.some(m => m.envelopeTo.includes('victim@example.org')), 'no injected recipient was reached')
})

t.test('a tenant cannot see another tenant\'s mail rows, and its cap is its own', async t => {
  const a = await k.createTenant({ slug: 'mail-a' })
  const b = await k.createTenant({ slug: 'mail-b' })
  const { token } = await k.signIn(a, ['tenant-admin'])
  t.equal((await send(token, { to: 'a-only@example.org', subject: 's', text: 't' })).status, 201)
  const seenByB = await k.db.withTenant(b.id, trx => trx('outbound_mail').select('id'))
  t.same(seenByB, [], 'row-level security hides tenant a\'s mail from tenant b')
  // Fill tenant a up to the cap through the owner connection, then one more is refused.
  const rows = Array.from({ length: 499 }, (_, i) => ({ id: crypto.randomUUID(), tenant_id: a.id, plugin_id: 'fx-mailer', recipient: `bulk${i}@example.org`, subject: 's', text: 't', message_id: `<bulk${i}@example.com>`, state: 'sent', created_at: new Date() }))
  await k.owner.batchInsert('outbound_mail', rows, 100)
  const refused = await send(token, { to: 'one-too-many@example.org', subject: 's', text: 't' })
  t.equal(refused.status, 400)
  t.equal(refused.body.error, 'mail_rate_limited')
  const other = await k.signIn(b, ['tenant-admin'])
  t.equal((await send(other.token, { to: 'b-fine@example.org', subject: 's', text: 't' })).status, 201, 'tenant b is not limited by tenant a')
})

t.test('with email off the message is recorded as not sent', async t => {
  const off = await startTestKernel({ plugins: [mailer as string] })
  t.teardown(() => off.close())
  const tenant = await off.createTenant({ slug: 'mail-off' })
  const { token } = await off.signIn(tenant, ['tenant-admin'])
  const res = await off.request('POST', '/api/v1/fx-mailer/send', { token, body: { mail: { to: 'x@example.org', subject: 's', text: 't' } } })
  t.equal(res.status, 201)
  t.equal(res.body.queued, false)
  t.equal((await off.owner('outbound_mail').where({ id: res.body.id }).first()).state, 'off')
})
