import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { licensedTenant, startItsm } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startItsm() })
t.teardown(() => k?.close())

const mail = (headers: Record<string, string>, body: string) => Buffer.from(`${Object.entries({ From: 'Jan Kowalski <jan@customer.example>', To: 'help@acme.example', Date: 'Mon, 7 Dec 2026 10:00:00 +0100', 'MIME-Version': '1.0', ...headers }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`)
const withAttachment = (headers: Record<string, string>, text: string, file: string) => mail({ ...headers, 'Content-Type': 'multipart/mixed; boundary="b1"' },
  `--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--b1\r\nContent-Type: text/plain; name="log.txt"\r\nContent-Disposition: attachment; filename="log.txt"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(file).toString('base64')}\r\n--b1--\r\n`)

t.test('inbound email: new ticket, threading by References and by subject token, loops ignored', async t => {
  const { agent } = await licensedTenant(k)
  const secret = (await agent.post('/api/v1/itsm/settings/inbound-secret')).body.inboundSecret as string
  t.match(secret, /^mzin_[0-9a-f]{32}_/)
  const send = (raw: Buffer, token = secret) => k.request('POST', '/api/v1/itsm/inbound-email', { body: raw, headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${token}` } })

  t.equal((await send(mail({ Subject: 'x', 'Message-ID': '<a@x>' }, 'hi'), secret.slice(0, -2) + 'zz')).status, 401, 'a wrong secret')
  t.equal((await send(mail({ Subject: 'x' }, 'hi'), 'nonsense')).status, 401)

  const first = await send(withAttachment({ Subject: 'VPN does not connect', 'Message-ID': '<m1@customer.example>' }, 'Since this morning the VPN fails.', 'error 809'))
  t.equal(first.status, 200, JSON.stringify(first.body))
  t.match(first.body, { action: 'created', number: /^INC-\d{6}$/ })
  const ticket = (await agent.get(`/api/v1/itsm/tickets/${first.body.ticketId}`)).body
  t.match(ticket, { title: 'VPN does not connect', source: 'email', requester: { email: 'jan@customer.example', name: 'Jan Kowalski' } })
  const files = (await agent.get(`/api/v1/itsm/tickets/${ticket.id}/attachments`)).body.items
  t.match(files, [{ filename: 'log.txt', size: 9 }], 'the attachment is kept')

  const dup = await send(withAttachment({ Subject: 'VPN does not connect', 'Message-ID': '<m1@customer.example>' }, 'again', 'x'))
  t.equal(dup.body.action, 'duplicate')

  await agent.patch(`/api/v1/itsm/tickets/${ticket.id}`, { status: 'pending', pendingReason: 'waiting for logs' })
  const reply = await send(mail({ Subject: 'Re: VPN does not connect', 'Message-ID': '<m2@customer.example>', 'In-Reply-To': '<m1@customer.example>', References: '<m1@customer.example>' }, 'Here are the logs.'))
  t.match(reply.body, { action: 'threaded', ticketId: ticket.id })
  t.equal((await agent.get(`/api/v1/itsm/tickets/${ticket.id}`)).body.status, 'open', 'the reply reopens the pending ticket')

  const byToken = await send(mail({ Subject: `Odp: [${ticket.number}] VPN`, 'Message-ID': '<m3@other.example>' }, 'Any news?'))
  t.match(byToken.body, { action: 'threaded', ticketId: ticket.id })
  const bodies = (await agent.get(`/api/v1/itsm/tickets/${ticket.id}/messages`)).body.items.filter((m: { authorKind: string }) => m.authorKind === 'email').map((m: { body: string }) => m.body)
  t.same(bodies, ['Here are the logs.', 'Any news?'])

  for (const [name, headers] of [['Auto-Submitted', { 'Auto-Submitted': 'auto-replied' }], ['Precedence', { Precedence: 'bulk' }], ['X-Autoreply', { 'X-Autoreply': 'yes' }]] as const) {
    const r = await send(mail({ Subject: `Out of office [${ticket.number}]`, 'Message-ID': `<ooo-${name}@x>`, ...headers }, 'I am away'))
    t.match(r.body, { action: 'ignored' }, name)
  }
  t.equal((await agent.get(`/api/v1/itsm/tickets/${ticket.id}/messages`)).body.items.filter((m: { authorKind: string }) => m.authorKind === 'email').length, 2, 'auto-replies add nothing')
  t.equal((await agent.get('/api/v1/itsm/tickets')).body.items.length, 1, 'and create nothing')
})

t.test('an email from one of the tenant\'s users lands in their own portal', async t => {
  const { tenant, agent } = await licensedTenant(k)
  const { user, password } = await k.createUser(tenant, { roles: ['member'], email: 'ewa@acme-mail.example' })
  const secret = (await agent.post('/api/v1/itsm/settings/inbound-secret')).body.inboundSecret as string
  const sent = await k.request('POST', '/api/v1/itsm/inbound-email', { body: mail({ From: 'Ewa <EWA@acme-mail.example>', Subject: 'Laptop is slow', 'Message-ID': '<u1@acme-mail.example>' }, 'Very slow.'), headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${secret}` } })
  t.match(sent.body, { action: 'created' })
  const ticket = (await agent.get(`/api/v1/itsm/tickets/${sent.body.ticketId}`)).body
  t.match(ticket.requester, { id: user.id, email: 'ewa@acme-mail.example' }, 'matched by address, without case')
  const ewa = await k.login('ewa@acme-mail.example', password, tenant.slug)
  t.ok((await k.request('GET', '/api/v1/itsm/tickets', { token: ewa })).body.items.some((i: { id: string }) => i.id === ticket.id), 'Ewa sees it among her requests')
  const someone = await k.signIn(tenant, ['member'])
  t.notOk((await k.request('GET', '/api/v1/itsm/tickets', { token: someone.token })).body.items.some((i: { id: string }) => i.id === ticket.id), 'another member does not')
})

