import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { client, group, keyPair, licensedTenant, network, startVpn, userPeer } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startVpn() })
t.teardown(() => k?.close())

t.test('networks: validation with clear problems, create, list, change, delete', async t => {
  const { admin, member } = await licensedTenant(k)
  const api = client(k, admin)
  const bad = async (body: Record<string, unknown>, pointer: string) => {
    const res = await api.post('/api/v1/vpn/networks', { name: 'x', cidr4: '10.0.0.0/24', ...body })
    t.equal(res.status, 400, `${JSON.stringify(body)} -> ${res.status}`)
    t.match(res.headers['content-type'], /problem\+json/)
    t.match(res.body, { code: 'validation_failed' })
    if (pointer) t.match(JSON.stringify(res.body.errors), pointer)
  }
  await bad({ cidr4: '10.0.0.1/24' }, '/cidr4')
  await bad({ cidr4: '10.0.0.0/31' }, '/cidr4')
  await bad({ cidr4: 'nope' }, '/cidr4')
  await bad({ prefix6: '2001:db8::/64' }, '/prefix6')
  await bad({ dns: ['not-an-ip'] }, '/dns/0')
  await bad({ listenPort: 70000 }, 'listenPort')
  await bad({ surprise: 1 }, '')

  const res = await api.post('/api/v1/vpn/networks', { name: 'Acme', cidr4: '100.64.0.0/24', prefix6: 'fd00:ac::/64', dns: ['100.64.0.1'], listenPort: 51821 })
  t.equal(res.status, 201)
  t.match(res.body, { name: 'Acme', cidr4: '100.64.0.0/24', prefix6: 'fd00:ac::/64', dns: ['100.64.0.1'], listenPort: 51821, peerCount: 0 })
  t.equal((await api.post('/api/v1/vpn/networks', { name: 'acme', cidr4: '10.1.0.0/16' })).status, 409, 'names are unique, case-insensitively')
  t.equal((await client(k, member).post('/api/v1/vpn/networks', { name: 'm', cidr4: '10.2.0.0/24' })).status, 403, 'members cannot create networks')
  t.equal((await client(k, member).get('/api/v1/vpn/networks')).body.items.length, 1, 'members can read')

  const peer = await userPeer(api, res.body.id, 'laptop')
  t.equal(peer.address4, '100.64.0.1'.replace(/\.1$/, `.${peer.address4.split('.')[3]}`))
  t.match((await api.get(`/api/v1/vpn/peers/${peer.id}`)).body, { address6: /^fd00:ac::[0-9a-f]+$/ })
  t.match(await api.patch(`/api/v1/vpn/networks/${res.body.id}`, { cidr4: '10.9.0.0/24' }), { status: 409, body: { code: 'invalid_state' } }, 'addresses stay while peers use them')
  t.match(await api.patch(`/api/v1/vpn/networks/${res.body.id}`, { dns: ['1.1.1.1'], mtu: 1380 }), { status: 200, body: { dns: ['1.1.1.1'], mtu: 1380 } })
  t.equal((await api.del(`/api/v1/vpn/networks/${res.body.id}`)).status, 204)
  t.equal((await api.get(`/api/v1/vpn/peers/${peer.id}`)).status, 404, 'its peers went with it')
})

t.test('peers: public keys only, validated; addresses allocated, released, never shared', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api, { cidr4: '10.10.0.0/29' }) // 6 addresses
  const bad = async (publicKey: unknown, why: string) => {
    const res = await api.post('/api/v1/vpn/peers', { networkId: net, name: 'x', kind: 'user', publicKey })
    t.equal(res.status, 400, why)
  }
  await bad('abc', 'too short')
  await bad(Buffer.alloc(33, 1).toString('base64'), '33 bytes')
  await bad(Buffer.alloc(32, 0).toString('base64'), 'all zero')
  await bad(`${Buffer.alloc(32, 7).toString('base64').slice(0, 42)}B=`, 'non-canonical padding bits')
  const { publicKey } = keyPair()
  const extra = await api.post('/api/v1/vpn/peers', { networkId: net, name: 'x', kind: 'user', publicKey, privateKey: publicKey })
  t.equal(extra.status, 400, 'a private key field is refused, never stored')

  const peers = []
  for (let i = 0; i < 6; i++) peers.push(await userPeer(api, net, `p${i}`))
  t.same(peers.map(p => p.address4).sort(), ['10.10.0.1', '10.10.0.2', '10.10.0.3', '10.10.0.4', '10.10.0.5', '10.10.0.6'])
  const full = await api.post('/api/v1/vpn/peers', { networkId: net, name: 'one too many', kind: 'user', publicKey: keyPair().publicKey })
  t.match(full, { status: 409, body: { code: 'vpn_network_full' } })
  const dup = await api.post('/api/v1/vpn/peers', { networkId: net, name: 'dup', kind: 'user', publicKey: peers[0]!.publicKey })
  t.match(dup, { status: 409, body: { code: 'vpn_key_in_use' } })
  t.equal((await api.del(`/api/v1/vpn/peers/${peers[2]!.id}`)).status, 204)
  const again = await userPeer(api, net, 'reuses the freed address')
  t.equal(again.address4, peers[2]!.address4, 'a deleted peer\'s address is free again')

  const rotated = keyPair()
  t.match(await api.put(`/api/v1/vpn/peers/${again.id}/key`, { publicKey: rotated.publicKey }), { status: 200, body: { publicKey: rotated.publicKey, keyAgeDays: 0 } })
  t.match(await api.put(`/api/v1/vpn/peers/${again.id}/key`, { publicKey: peers[1]!.publicKey }), { status: 409, body: { code: 'vpn_key_in_use' } })
  const g = await group(api, net, 'Laptops')
  t.match(await api.patch(`/api/v1/vpn/peers/${again.id}`, { groupIds: [g], name: 'renamed' }), { status: 200, body: { groupIds: [g], name: 'renamed' } })
  t.same((await api.get(`/api/v1/vpn/peers?groupId=${g}`)).body.items.map((p: { id: string }) => p.id), [again.id])
  t.match(await api.patch(`/api/v1/vpn/peers/${again.id}`, { groupIds: ['00000000-0000-4000-8000-000000000000'] }), { status: 400, body: { code: 'validation_failed' } })
  const listed = await api.get(`/api/v1/vpn/peers?networkId=${net}&limit=2`)
  t.equal(listed.body.items.length, 2)
  t.ok(listed.body.nextCursor)
  t.equal((await api.get(`/api/v1/vpn/peers?networkId=${net}&limit=2&cursor=${listed.body.nextCursor}`)).body.items.length, 2)
})

t.test('100 concurrent peer creations get distinct addresses', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api, { cidr4: '10.20.0.0/24' })
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) =>
    api.post('/api/v1/vpn/peers', { networkId: net, name: `c${i}`, kind: 'user', publicKey: keyPair().publicKey })))
  t.same(results.filter(r => r.status !== 201).map(r => `${r.status} ${JSON.stringify(r.body)}`), [], 'all created')
  const addresses = new Set(results.map(r => r.body.address4))
  t.equal(addresses.size, 100, 'no two share an address')
  const stored = await k.owner('vpn_peers').where({ network_id: net }).count('* as n').first()
  t.equal(Number(stored?.n), 100)
})
