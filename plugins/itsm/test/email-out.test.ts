import t from 'tap'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freePort, waitFor, type TestKernel } from '@monozu/kernel/testing'
import { licensedTenant, startItsm } from './helpers.ts'

// A requester known only by email gets the agent's public reply by email (ctx.mail), threaded on
// their message; their answer to it threads back onto the ticket; internal notes never leave.
const received: ParsedMail[] = []
let server: SMTPServer
let k: TestKernel
t.before(async () => {
  const port = await freePort()
  server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData (stream, _session, callback) { simpleParser(stream).then(m => { received.push(m); callback() }, callback) }
  })
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  k = await startItsm({ config: { smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Service desk <desk@acme.example>' } })
})
t.teardown(async () => { await k?.close(); await new Promise<void>(resolve => server?.close(() => resolve())) })

const mail = (headers: Record<string, string>, body: string) => Buffer.from(`${Object.entries({ From: 'Jan Kowalski <jan@customer.example>', To: 'help@acme.example', Date: 'Mon, 7 Dec 2026 10:00:00 +0100', 'MIME-Version': '1.0', ...headers }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`)

t.test('an email-only requester gets public replies by email, threaded both ways', async t => {
  const { agent } = await licensedTenant(k)
  const secret = (await agent.post('/api/v1/itsm/settings/inbound-secret')).body.inboundSecret as string
  const send = (raw: Buffer) => k.request('POST', '/api/v1/itsm/inbound-email', { body: raw, headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${secret}` } })
  const opened = await send(mail({ Subject: 'Printer jams', 'Message-ID': '<p1@customer.example>' }, 'The printer on floor 2 jams.'))
  t.equal(opened.body.action, 'created')
  const id = opened.body.ticketId as string
  const number = opened.body.number as string

  t.equal((await agent.post(`/api/v1/itsm/tickets/${id}/messages`, { body: 'Internal: check the toner first.', visibility: 'internal' })).status, 201)
  t.equal((await agent.post(`/api/v1/itsm/tickets/${id}/messages`, { body: 'We are sending a technician today.', visibility: 'public' })).status, 201)
  const out = await waitFor('the reply at the SMTP server', async () => received.find(m => m.text?.includes('technician')))
  t.equal(out.subject, `[${number}] Printer jams`, 'the subject carries the ticket number')
  t.same((out.to as { value: Array<{ address: string }> }).value.map(v => v.address), ['jan@customer.example'])
  t.equal(out.inReplyTo, '<p1@customer.example>', 'threaded on the requester\'s message')
  t.match(out.messageId, /@acme\.example>$/)
  t.notOk(received.some(m => m.text?.includes('toner')), 'the internal note was not emailed')

  // The requester answers the reply: it threads by In-Reply-To onto the same ticket.
  const answer = await send(mail({ Subject: `Re: [${number}] Printer jams`, 'Message-ID': '<p2@customer.example>', 'In-Reply-To': out.messageId as string, References: `<p1@customer.example> ${out.messageId}` }, 'Thank you!'))
  t.match(answer.body, { action: 'threaded', ticketId: id })
  // A copy of our own reply bounced back in is recognised, not added as the requester's words.
  const bounced = await send(mail({ From: 'Service desk <desk@acme.example>', Subject: out.subject as string, 'Message-ID': out.messageId as string }, 'We are sending a technician today.'))
  t.equal(bounced.body.action, 'duplicate')
  const bodies = (await agent.get(`/api/v1/itsm/tickets/${id}/messages`)).body.items.filter((m: { authorKind: string }) => m.authorKind === 'email').map((m: { body: string }) => m.body)
  t.same(bodies, ['Thank you!'], 'only the real answer joined the conversation')
})

t.test('a requester who is a user is notified in the app, not mailed through ctx.mail', async t => {
  const { agent, alice: requester } = await licensedTenant(k)
  const before = received.length
  const created = await requester.post('/api/v1/itsm/tickets', { type: 'incident', title: 'Mouse broken', description: 'It clicks twice.' })
  t.equal(created.status, 201)
  t.equal((await agent.post(`/api/v1/itsm/tickets/${created.body.id}/messages`, { body: 'New mouse on its way.', visibility: 'public' })).status, 201)
  const rows = await k.owner('outbound_mail').where({ subject: `[${created.body.number}] Mouse broken` })
  t.same(rows, [], 'no outbound mail row for a user requester')
  t.equal(received.slice(before).filter(m => m.subject?.startsWith(`[${created.body.number}]`)).length, 0)
})
