import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import type { TestKernel } from '@monozu/kernel/testing'
import { appliancePeer, client, group, licensedTenant, network, startVpn, userPeer, type Client } from './helpers.ts'

// Every list pages with the kernel's cursor (`limit`, `cursor` -> `{ items, nextCursor }`):
// walking the pages gives each row exactly once, in the order of the whole list, also for rows
// that share a name or a creation time (on PostgreSQL: one transaction's now(), in microseconds).
let k: TestKernel
t.before(async () => { k = await startVpn() })
t.teardown(() => k?.close())

async function walk (api: Client, url: string, limit: number): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 100; pages++) {
    const res = await api.get(`${url}${url.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`)
    ids.push(...res.body.items.map((i: { id: string }) => i.id))
    cursor = res.body.nextCursor
    if (!cursor) return ids
  }
  throw new Error(`${url}: more than 100 pages`)
}

async function samePages (t: Test, api: Client, url: string, expected: number) {
  const whole = await walk(api, url, 200)
  t.equal(whole.length, expected, `${url}: ${expected} rows`)
  for (const limit of [1, 2, 3]) {
    const paged = await walk(api, url, limit)
    t.equal(new Set(paged).size, paged.length, `${url} by ${limit}: no row twice`)
    t.same(paged, whole, `${url} by ${limit}: every row, in order`)
  }
}

t.test('every list walks page by page without skipping or repeating a row', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const nets: string[] = []
  // Two networks with the same name apart from case are refused, so the tie is on peers and groups below.
  for (let i = 0; i < 5; i++) nets.push(await network(api, { name: `net-${i}`, cidr4: `100.${90 + i}.0.0/24` }))
  const net = nets[0]!
  const groups: string[] = []
  for (let i = 0; i < 5; i++) groups.push(await group(api, net, `g-${i}`))
  // Peers with one name: only the id orders them.
  for (let i = 0; i < 4; i++) await userPeer(api, net, 'same name', [groups[0]!])
  for (let i = 0; i < 3; i++) await userPeer(api, net, `p-${i}`)
  const router = await appliancePeer(k, api, admin, net, 'router')
  for (let i = 0; i < 5; i++) {
    const res = await api.post('/api/v1/vpn/policies', { networkId: net, name: i < 3 ? 'same policy' : `pol-${i}`, sourceGroupId: groups[i]!, destinationGroupId: groups[(i + 1) % 5]!, protocol: 'tcp', ports: [`${22 + i}`] })
    t.equal(res.status, 201)
  }
  for (let i = 0; i < 4; i++) t.equal((await api.post('/api/v1/vpn/routes', { peerId: router.id, kind: 'subnet', cidr: `192.168.${i}.0/24`, groupIds: [groups[0]!] })).status, 201)
  for (let i = 0; i < 3; i++) t.equal((await api.post('/api/v1/vpn/setup-keys', { networkId: net, name: `key-${i}`, reusable: true })).status, 201)
  // A burst of setup keys written in one transaction with the database's clock: on PostgreSQL they
  // share one now() with microseconds, which a millisecond cursor must not skip.
  await k.owner.transaction(async trx => {
    for (let i = 0; i < 5; i++) {
      await trx('vpn_setup_keys').insert({
        tenant_id: tenant.id, id: randomUUID(), network_id: net, name: `burst-${i}`, key_hash: randomUUID().replace(/-/g, '').padEnd(64, '0'), prefix: 'mzvpn_burst',
        reusable: true, usage_limit: null, used_count: 0, auto_group_ids: '[]', expires_at: new Date(Date.now() + 86_400_000), created_at: trx.fn.now()
      })
    }
  })

  await samePages(t, api, '/api/v1/vpn/networks', 5)
  await samePages(t, api, `/api/v1/vpn/peers?networkId=${net}`, 8)
  await samePages(t, api, `/api/v1/vpn/groups?networkId=${net}`, 5)
  await samePages(t, api, `/api/v1/vpn/policies?networkId=${net}`, 5)
  await samePages(t, api, `/api/v1/vpn/routes?networkId=${net}`, 4)
  await samePages(t, api, `/api/v1/vpn/setup-keys?networkId=${net}`, 8)

  // A cursor from one list is refused by another (400), and a forged one too.
  const first = await api.get('/api/v1/vpn/networks?limit=1')
  t.equal((await api.get(`/api/v1/vpn/routes?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`)).status, 400)
  t.equal((await api.get('/api/v1/vpn/peers?limit=1&cursor=not-a-cursor')).status, 400)
})
