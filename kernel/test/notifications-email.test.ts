import t from 'tap'
import { randomUUID } from 'node:crypto'
import { startTestKernel, waitFor, type TestKernel } from '../src/testing/internal.ts'
import type { Tenant } from '../src/tenancy/tenants.ts'
import type { NotificationInput, Notify } from '../src/notifications/types.ts'
import { SEND_ATTEMPTS } from '../src/notifications/email/jobs.ts'
import { alertsFixture } from './helpers/paths.ts'
import { startSmtp, type TestSmtp } from './helpers/smtp.ts'

const PUBLIC_URL = 'https://app.monozu.test'
const FROM = 'Monozu <alerts@monozu.test>'
type Signed = { token: string, user: { id: string, email: string } }

let smtp: TestSmtp
let k: TestKernel
let notify: Notify
let tenant: Tenant
let admin: Signed
let en: Signed
let pl: Signed
const logLines: string[] = []

t.before(async () => {
  smtp = await startSmtp()
  k = await startTestKernel({
    plugins: [alertsFixture],
    config: { smtpUrl: smtp.url, mailFrom: FROM, publicUrl: PUBLIC_URL },
    log: { level: 'debug', stream: { write: (line: string) => logLines.push(line) } }
  })
  notify = k.pluginContext('fx-alerts').notify
  tenant = await k.createTenant({ slug: 'mail-acme' })
  admin = await k.signIn(tenant, ['tenant-admin'])
  en = await k.signIn(tenant, ['member'])
  pl = await k.signIn(tenant, ['member'])
  t.equal((await k.request('PATCH', '/api/v1/me', { token: pl.token, body: { language: 'pl' } })).status, 200)
})
t.teardown(async () => { await k?.close(); await smtp?.close() })

const input = (userIds: string[], over: Partial<NotificationInput> = {}): NotificationInput => ({
  tenantId: tenant.id,
  type: 'fx-alerts.threshold',
  to: { users: userIds },
  title: { en: 'Device edge-1 is offline', pl: 'Urządzenie edge-1 jest offline' },
  body: { en: 'Last seen 10 minutes ago.', pl: 'Ostatnio widziane 10 minut temu.' },
  severity: 'warning',
  link: '/devices/42',
  ...over
})
const rowsOf = (userId: string) => k.owner('notifications').where({ tenant_id: tenant.id, user_id: userId }).orderBy('created_at', 'desc')
const latest = async (userId: string) => (await rowsOf(userId))[0]
const stateOf = async (id: string) => k.owner('notifications').where({ tenant_id: tenant.id, id }).first('email_state', 'emailed_at')
const mailsTo = (address: string) => smtp.messages.filter(m => m.envelopeTo.includes(address))
/** Every send job has finished (succeeded, dead or cancelled). */
const emailJobsSettled = () => waitFor('email jobs to settle', async () =>
  Number((await k.owner('jobs').where({ plugin: 'kernel', name: 'notifications.email' }).whereIn('state', ['pending', 'running']).count({ n: '*' }).first())?.n) === 0)

t.test('ctx.notify: one email per recipient in their language, with From, link and footer', async t => {
  t.equal((await notify(input([en.user.id, pl.user.id]))).recipients, 2)
  const [toEn] = await waitFor('the English email', async () => mailsTo(en.user.email).length > 0 && mailsTo(en.user.email))
  const [toPl] = await waitFor('the Polish email', async () => mailsTo(pl.user.email).length > 0 && mailsTo(pl.user.email))
  t.ok(smtp.logins.length >= 1, 'the mailer logged in with the user and password of SMTP_URL')

  t.same(toEn!.envelopeTo, [en.user.email])
  t.equal(toEn!.to && !Array.isArray(toEn!.to) ? toEn!.to.text : '', en.user.email)
  t.equal(toEn!.from?.value[0]?.address, 'alerts@monozu.test')
  t.equal(toEn!.from?.value[0]?.name, 'Monozu')
  t.equal(toEn!.subject, '[Warning] Device edge-1 is offline')
  t.equal(toEn!.headers.get('auto-submitted'), 'auto-generated', 'auto-replies stay away')
  t.match(toEn!.text, 'Last seen 10 minutes ago.')
  t.match(toEn!.text, 'Warning · Threshold crossed', 'severity and the type\'s label from plugin.json')
  t.match(toEn!.text, `Open in Monozu: ${PUBLIC_URL}/devices/42`)
  t.match(toEn!.text, `${PUBLIC_URL}/settings/notifications`)
  t.match(String(toEn!.html), `href="${PUBLIC_URL}/devices/42"`)
  t.match(String(toEn!.html), 'Open in Monozu')

  t.same(toPl!.envelopeTo, [pl.user.email])
  t.equal(toPl!.subject, '[Ostrzeżenie] Urządzenie edge-1 jest offline')
  t.match(toPl!.text, 'Ostatnio widziane 10 minut temu.')
  t.match(toPl!.text, 'Przekroczony próg')
  t.match(toPl!.text, 'Zmień, które powiadomienia dostajesz e-mailem')
  t.match(String(toPl!.html), 'Otwórz w Monozu')
  t.match(String(toPl!.html), '<html lang="pl">')

  for (const who of [en, pl]) {
    const row = await waitFor('the row marked sent', async () => { const r = await latest(who.user.id); return r?.email_state === 'sent' && r })
    t.ok(row.emailed_at, 'emailed_at is set')
  }
})

t.test('a hostile title and body are escaped in the HTML part and kept one line in the subject', async t => {
  await notify(input([en.user.id], {
    severity: 'critical',
    title: { en: '<script>alert(1)</script> "x" & <b>y</b>\r\nBcc: victim@evil.example', pl: '<script>alert(1)</script>' },
    body: { en: '<img src=x onerror=alert(2)><a href="https://evil.example">click</a>', pl: '<img src=x>' },
    link: '/devices/"><script>'
  }))
  const mail = await waitFor('the critical email', async () => mailsTo(en.user.email).find(m => m.subject?.startsWith('[Critical]')))
  const html = String(mail.html)
  t.notMatch(html, '<script>')
  t.notMatch(html, '<img')
  t.notMatch(html, 'href="https://evil.example"')
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt; &quot;x&quot; &amp; &lt;b&gt;y&lt;/b&gt;')
  t.match(html, '&lt;img src=x onerror=alert(2)&gt;')
  t.match(html, `href="${PUBLIC_URL}/devices/&quot;&gt;&lt;script&gt;"`, 'the link cannot leave its attribute')
  t.equal(mail.subject, '[Critical] <script>alert(1)</script> "x" & <b>y</b> Bcc: victim@evil.example', 'the newline did not start a header')
  t.same(mail.envelopeTo, [en.user.email], 'no Bcc smuggled in')
  t.notOk(mail.bcc, 'no Bcc header')
})

t.test('a rolled-back notification sends nothing; a job run twice sends once', async t => {
  const before = smtp.messages.length
  const rolledBack = await k.request('POST', '/api/v1/fx-alerts/raise', { token: admin.token, body: { permission: 'fx-alerts.manage', fail: true } })
  t.equal(rolledBack.status, 409)
  await notify(input([en.user.id], { title: { en: 'Committed one', pl: 'Zatwierdzone' } }))
  await waitFor('the committed email', async () => mailsTo(en.user.email).some(m => m.subject === '[Warning] Committed one'))
  await emailJobsSettled()
  t.equal(smtp.messages.length, before + 1, 'only the committed notification was emailed')

  const row = await latest(en.user.id)
  t.equal(row.email_state, 'sent')
  t.equal((await k.runJob('kernel', 'notifications.email', { id: row.id }, { tenantId: tenant.id })).state, 'succeeded')
  t.equal(smtp.messages.length, before + 1, 'the second run sent nothing')
})

t.test('a recipient disabled before the email goes out gets nothing', async t => {
  const gone = await k.signIn(tenant, ['member'])
  const before = smtp.messages.length
  await k.db.withTenant(tenant.id, async trx => {
    await notify(input([gone.user.id]), trx)
    // Disabled after the notification was stored, before its email is sent (that waits for the commit).
    await trx('users').where({ id: gone.user.id }).update({ disabled: true })
  })
  const row = await waitFor('the email state to settle', async () => { const r = await latest(gone.user.id); return r && r.email_state !== 'queued' && r })
  t.equal(row.email_state, 'none')
  await emailJobsSettled()
  t.equal(mailsTo(gone.user.email).length, 0)
  t.equal(smtp.messages.length, before)
})

t.test('another tenant\'s job cannot send this tenant\'s notification', async t => {
  const other = await k.createTenant({ slug: 'mail-globex' })
  const row = await latest(en.user.id)
  await k.owner('notifications').where({ tenant_id: tenant.id, id: row.id }).update({ email_state: 'queued' })
  const before = smtp.messages.length
  t.equal((await k.runJob('kernel', 'notifications.email', { id: row.id }, { tenantId: other.id })).state, 'succeeded')
  t.equal(smtp.messages.length, before, 'row-level security hid the row')
  t.equal((await stateOf(row.id)).email_state, 'queued')
  await k.owner('notifications').where({ tenant_id: tenant.id, id: row.id }).update({ email_state: 'sent' })
})

t.test('the daily digest: one email per digest user, in their language, grouped by type', async t => {
  for (const who of [en, pl]) {
    const res = await k.request('PUT', '/api/v1/notifications/preferences', { token: who.token, body: { digest: true, types: [{ type: 'fx-alerts.quiet', inApp: true, email: true }] } })
    t.equal(res.status, 200)
  }
  t.teardown(async () => {
    for (const who of [en, pl]) await k.request('PUT', '/api/v1/notifications/preferences', { token: who.token, body: { digest: false } })
  })
  const before = smtp.messages.length
  await notify(input([en.user.id, pl.user.id], { title: { en: 'edge-1 offline', pl: 'edge-1 offline (pl)' } }))
  await notify(input([en.user.id], { type: 'fx-alerts.quiet', severity: 'info', title: { en: 'Backup of db-1 done', pl: 'Kopia db-1 gotowa' }, link: '/backup/db-1' }))
  await notify(input([en.user.id], { severity: 'critical', title: { en: 'edge-2 offline', pl: 'edge-2 offline (pl)' } }))
  const digestRows = await k.owner('notifications').where({ tenant_id: tenant.id, email_state: 'digest' }).select('id')
  t.equal(digestRows.length, 4, 'digest users\' emails wait for the digest')
  await emailJobsSettled()
  t.equal(smtp.messages.length, before, 'nothing sent one by one')

  t.equal((await k.runJob('kernel', 'notifications.digest', { tick: 'test-1' })).state, 'succeeded')
  const digests = await waitFor('two digest emails', async () => smtp.messages.length >= before + 2 && smtp.messages.slice(before))
  const toEn = digests.find(m => m.envelopeTo[0] === en.user.email)!
  const toPl = digests.find(m => m.envelopeTo[0] === pl.user.email)!
  t.equal(toEn.subject, 'Monozu daily digest: 3 notifications')
  t.equal(toPl.subject, 'Monozu – podsumowanie dnia: powiadomienia (1)')
  const text = toEn.text ?? ''
  t.match(text, '== Threshold crossed (2) ==')
  t.match(text, '== Quiet notice (1) ==')
  t.ok(text.indexOf('edge-2 offline') < text.indexOf('edge-1 offline'), 'critical first within a group')
  t.ok(text.indexOf('edge-2 offline') > text.indexOf('Threshold crossed (2)') && text.indexOf('Backup of db-1') > text.indexOf('Quiet notice (1)'), 'each under its group')
  t.match(text, `${PUBLIC_URL}/backup/db-1`)
  t.match(String(toEn.html), '>Threshold crossed (2)</h2>')
  t.match(toPl.text ?? '', '== Przekroczony próg (1) ==')
  t.match(toPl.text ?? '', 'edge-1 offline (pl)')
  t.match(toPl.text ?? '', 'Ostrzeżenie')
  // The SMTP server has the mail a moment before the job marks its rows.
  const digestJob = await waitFor('the tenant\'s digest job', async () => {
    const j = await k.owner('jobs').where({ plugin: 'kernel', name: 'notifications.digest-tenant', tenant: tenant.id }).first('state')
    return j && ['succeeded', 'dead'].includes(j.state) && j
  })
  t.equal(digestJob.state, 'succeeded')
  for (const { id } of digestRows) t.equal((await stateOf(id)).email_state, 'sent')

  const count = smtp.messages.length
  t.equal((await k.runJob('kernel', 'notifications.digest', { tick: 'test-2' })).state, 'succeeded')
  const tenantJobs = await k.owner('jobs').where({ plugin: 'kernel', name: 'notifications.digest-tenant', tenant: tenant.id }).count({ n: '*' }).first()
  t.equal(Number(tenantJobs?.n), 1, 'nothing left to digest: no tenant job the next day')
  t.equal(smtp.messages.length, count, 'no second digest of the same notifications')
})

t.test('SMTP refusing (550): retried with backoff, then failed with a structured error log', async t => {
  smtp.rejectWith = 550
  t.teardown(() => { smtp.rejectWith = null })
  const before = smtp.messages.length
  await notify(input([en.user.id], { title: { en: 'Refused', pl: 'Odrzucone' } }))
  const row = await latest(en.user.id)
  const job: { id: string } = await waitFor('the send job', async () => await k.owner('jobs').where({ plugin: 'kernel', name: 'notifications.email', dedupe_key: row.id }).first('id'))
  for (let attempt = 1; attempt < SEND_ATTEMPTS; attempt++) {
    const r = await waitFor(`attempt ${attempt} to fail`, async () => {
      const j = await k.owner('jobs').where({ id: job.id }).first()
      return j && j.state === 'pending' && Number(j.attempts) === attempt && j
    })
    t.ok(new Date(r.run_at).getTime() > Date.now() + 30_000, `attempt ${attempt + 1} is backed off by at least half a minute`)
    t.equal((await stateOf(row.id)).email_state, 'queued', 'still queued between attempts')
    // The backoff is minutes long: bring the retry forward instead of waiting.
    await k.owner('jobs').where({ id: job.id }).update({ run_at: new Date() })
  }
  const dead = await waitFor('the last attempt', async () => {
    const j = await k.owner('jobs').where({ id: job.id }).first()
    return j?.state === 'dead' && j
  })
  t.equal(Number(dead.attempts), SEND_ATTEMPTS)
  t.match(dead.last_error, /550/)
  t.equal((await stateOf(row.id)).email_state, 'failed')
  t.equal(smtp.messages.length, before)
  const line = logLines.map(l => JSON.parse(l)).find(l => l.msg === 'notification email failed for the last time; marked failed' && l.notifications?.includes(row.id))
  t.ok(line, 'an error line for the failed email')
  t.equal(line.level, 50)
  t.equal(line.smtp.responseCode, 550)
  t.equal(line.userId, en.user.id)
  t.equal(line.tenantId, tenant.id)
})

t.test('the sweep re-enqueues a queued email whose job was lost; fresh and day-old ones are left alone', async t => {
  await notify(input([en.user.id], { title: { en: 'Swept', pl: 'Zmiecione' } }))
  await waitFor('the first email', async () => mailsTo(en.user.email).some(m => m.subject === '[Warning] Swept'))
  const row = await waitFor('the row marked sent', async () => { const r = await latest(en.user.id); return r?.email_state === 'sent' && r })
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000)
  const lost = { ...row, id: randomUUID(), email_state: 'queued', emailed_at: null, created_at: minutesAgo(20) }
  const fresh = { ...lost, id: randomUUID(), created_at: minutesAgo(1) }
  const old = { ...lost, id: randomUUID(), created_at: minutesAgo(25 * 60) }
  // What a crash between the commit and the enqueue leaves: queued rows without a send job.
  await k.owner('notifications').insert([lost, fresh, old].map(r => ({ ...r, title: JSON.stringify(r.title), body: JSON.stringify(r.body) })))
  const before = smtp.messages.length
  t.equal((await k.runJob('kernel', 'notifications.email-sweep')).state, 'succeeded')
  await waitFor('the lost email', async () => (await stateOf(lost.id)).email_state === 'sent')
  await emailJobsSettled()
  t.equal(smtp.messages.length, before + 1, 'one email: the lost one')
  t.equal((await stateOf(fresh.id)).email_state, 'queued', 'younger than ten minutes: its job may still come')
  t.equal((await stateOf(old.id)).email_state, 'queued', 'older than a day: too late to mail')
  await k.owner('notifications').whereIn('id', [fresh.id, old.id]).update({ email_state: 'none' })
})

t.test('the SMTP password never reaches the log', async t => {
  const all = logLines.join('\n')
  t.notMatch(all, smtp.password)
  t.match(all, 'email is on')
  t.match(all, `smtp://127.0.0.1:${new URL(smtp.url).port}`)
})
