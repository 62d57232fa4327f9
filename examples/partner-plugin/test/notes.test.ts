import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { client, licensedTenant, start } from './helpers.ts'

// A partner's tests: node:test and the Monozu test kit from the packed @monozu/kernel. The kit
// starts a real kernel (in-memory PGlite, or PostgreSQL when DATABASE_URL is set) with this plugin.
let k: TestKernel
before(async () => { k = await start({ clock: 'manual' }) })
after(() => k?.close())

test('a writer adds items; a reader lists them, newest first, page by page', async () => {
  const { admin, member } = await licensedTenant(k)
  for (const title of ['first', 'second', 'third']) {
    assert.equal((await client(k, admin).post('/api/v1/partner-notes/items', { title })).status, 201)
    await k.clock.advance(1000)
  }
  const first = await client(k, member).get('/api/v1/partner-notes/items?limit=2')
  assert.equal(first.status, 200)
  assert.deepEqual(first.body.items.map((i: { title: string }) => i.title), ['third', 'second'])
  const rest = await client(k, member).get(`/api/v1/partner-notes/items?limit=2&cursor=${first.body.nextCursor}`)
  assert.deepEqual(rest.body.items.map((i: { title: string }) => i.title), ['first'])
  assert.equal(rest.body.nextCursor, null)
})

test('the routes check the token, the permission, the license and the input', async () => {
  const { admin, member } = await licensedTenant(k)
  assert.equal((await k.request('GET', '/api/v1/partner-notes/items')).status, 401, 'no token')
  assert.equal((await client(k, member).post('/api/v1/partner-notes/items', { title: 'x' })).status, 403, 'a member lacks partner-notes.write')
  const bad = await client(k, admin).post('/api/v1/partner-notes/items', { title: '' })
  assert.equal(bad.status, 400)
  assert.equal(bad.body.code, 'validation_failed')
  const unlicensed = await k.createTenant()
  const other = (await k.signIn(unlicensed, ['tenant-admin'])).token
  assert.equal((await client(k, other).get('/api/v1/partner-notes/items')).status, 403, 'a tenant without the license')
})

test('the archive job archives old items inside its tenant only', async () => {
  const victim = await licensedTenant(k)
  const owner = await licensedTenant(k)
  await client(k, victim.admin).post('/api/v1/partner-notes/items', { title: 'victim item' })
  await client(k, owner.admin).post('/api/v1/partner-notes/items', { title: 'old' })
  await k.clock.advance(10 * 86_400_000)
  await client(k, owner.admin).post('/api/v1/partner-notes/items', { title: 'new' })
  assert.equal((await k.runJob('partner-notes', 'archive', { olderThanDays: 5 }, { tenantId: owner.tenant.id })).state, 'succeeded')
  const items = (await client(k, owner.admin).get('/api/v1/partner-notes/items')).body.items as Array<{ title: string, archived: boolean }>
  assert.deepEqual(items.map(i => [i.title, i.archived]), [['new', false], ['old', true]])
  const theirs = (await client(k, victim.admin).get('/api/v1/partner-notes/items')).body.items as Array<{ title: string, archived: boolean }>
  assert.deepEqual(theirs.map(i => [i.title, i.archived]), [['victim item', false]], 'another tenant\'s rows are untouched and unseen')
})

test('the channel tells readers of the tenant about new items, and no one else', async () => {
  const { admin, member } = await licensedTenant(k)
  const stranger = (await licensedTenant(k)).admin
  const url = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const sockets: WebSocket[] = []
  const listen = async (token: string) => {
    const seen: Array<{ event: string, data: { title?: string } }> = []
    const ws = new WebSocket(`${url}/api/ws/partner-notes`, ['bearer', token])
    sockets.push(ws)
    ws.addEventListener('message', e => seen.push(JSON.parse(String(e.data))))
    await new Promise((resolve, reject) => { ws.addEventListener('open', resolve); ws.addEventListener('error', reject) })
    return seen
  }
  const mine = await listen(member)
  const theirs = await listen(stranger)
  await client(k, admin).post('/api/v1/partner-notes/items', { title: 'live' })
  await waitFor('the item.created event', async () => mine.some(e => e.event === 'item.created' && e.data.title === 'live'))
  assert.ok(!theirs.some(e => e.event === 'item.created'), 'another tenant hears nothing')
  for (const ws of sockets) ws.close()
})
