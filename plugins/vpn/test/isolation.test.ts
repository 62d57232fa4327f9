import t from 'tap'
import WebSocket from 'ws'
import type { TestKernel } from '@monozu/kernel/testing'
import { appliancePeer, client, group, keyPair, licensedTenant, network, startVpn, userPeer } from './helpers.ts'

// The attacker is a tenant-admin of Globex holding every vpn permission, with Acme's ids and keys.
let k: TestKernel
t.before(async () => { k = await startVpn() })
t.teardown(() => k?.close())

t.test('another tenant\'s ids give 404 on every route, and its data never shows', async t => {
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const victim = client(k, acme.admin)
  const attacker = client(k, globex.admin)

  const net = await network(victim, { name: 'acme-net' })
  const g = await group(victim, net, 'acme-servers')
  const g2 = await group(victim, net, 'acme-admins')
  const box = await appliancePeer(k, victim, acme.admin, net, 'acme-edge', [g])
  const laptop = await userPeer(victim, net, 'acme-laptop', [g2])
  const policy = (await victim.post('/api/v1/vpn/policies', { networkId: net, name: 'acme-policy', sourceGroupId: g2, destinationGroupId: g, protocol: 'tcp', ports: ['22'] })).body.id
  const route = (await victim.post('/api/v1/vpn/routes', { peerId: box.id, kind: 'subnet', cidr: '192.168.50.0/24', groupIds: [g2] })).body.id
  const key = (await victim.post('/api/v1/vpn/setup-keys', { networkId: net, name: 'acme-key', reusable: true })).body

  const own = await network(attacker, { name: 'globex-net' })
  const ownGroup = await group(attacker, own, 'globex-g')
  const ownPeer = await userPeer(attacker, own, 'globex-laptop', [ownGroup])

  const expect404 = async (what: string, res: Promise<{ status: number, body: unknown }>) => {
    const r = await res
    t.equal(r.status, 404, `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
  }
  await expect404('GET network', attacker.get(`/api/v1/vpn/networks/${net}`))
  await expect404('PATCH network', attacker.patch(`/api/v1/vpn/networks/${net}`, { name: 'pwned' }))
  await expect404('DELETE network', attacker.del(`/api/v1/vpn/networks/${net}`))
  await expect404('GET peer', attacker.get(`/api/v1/vpn/peers/${box.id}`))
  await expect404('PATCH peer', attacker.patch(`/api/v1/vpn/peers/${box.id}`, { name: 'pwned' }))
  await expect404('PUT key', attacker.put(`/api/v1/vpn/peers/${box.id}/key`, { publicKey: keyPair().publicKey }))
  await expect404('revoke peer', attacker.post(`/api/v1/vpn/peers/${box.id}/revoke`))
  await expect404('DELETE peer', attacker.del(`/api/v1/vpn/peers/${laptop.id}`))
  await expect404('config', attacker.get(`/api/v1/vpn/peers/${box.id}/config`))
  await expect404('history', attacker.get(`/api/v1/vpn/peers/${box.id}/history`))
  await expect404('traffic', attacker.get(`/api/v1/vpn/peers/${box.id}/traffic`))
  await expect404('GET group', attacker.get(`/api/v1/vpn/groups/${g}`))
  await expect404('PATCH group', attacker.patch(`/api/v1/vpn/groups/${g}`, { peerIds: [] }))
  await expect404('DELETE group', attacker.del(`/api/v1/vpn/groups/${g}`))
  await expect404('GET policy', attacker.get(`/api/v1/vpn/policies/${policy}`))
  await expect404('PATCH policy', attacker.patch(`/api/v1/vpn/policies/${policy}`, { enabled: false }))
  await expect404('DELETE policy', attacker.del(`/api/v1/vpn/policies/${policy}`))
  await expect404('PATCH route', attacker.patch(`/api/v1/vpn/routes/${route}`, { enabled: false }))
  await expect404('DELETE route', attacker.del(`/api/v1/vpn/routes/${route}`))
  await expect404('revoke setup key', attacker.post(`/api/v1/vpn/setup-keys/${key.id}/revoke`))
  await expect404('DELETE setup key', attacker.del(`/api/v1/vpn/setup-keys/${key.id}`))
  await expect404('reachability', attacker.get(`/api/v1/vpn/reachability?from=${ownPeer.id}&to=${box.id}`))
  await expect404('topology', attacker.get(`/api/v1/vpn/networks/${net}/topology`))

  // References to Acme's objects from Globex's own are refused as unknown.
  const bad = async (what: string, res: Promise<{ status: number, body: unknown }>) => {
    const r = await res
    t.equal(r.status, 400, `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
  }
  await bad('peer into their network', attacker.post('/api/v1/vpn/peers', { networkId: net, name: 'x', kind: 'user', publicKey: keyPair().publicKey }))
  await bad('peer into their group', attacker.post('/api/v1/vpn/peers', { networkId: own, name: 'x', kind: 'user', publicKey: keyPair().publicKey, groupIds: [g] }))
  await bad('appliance peer for their device', attacker.post('/api/v1/vpn/peers', { networkId: own, name: 'x', kind: 'appliance', publicKey: keyPair().publicKey, deviceId: box.device.deviceId }))
  await bad('group with their peer', attacker.post('/api/v1/vpn/groups', { networkId: own, name: 'x', peerIds: [box.id] }))
  await bad('group in their network', attacker.post('/api/v1/vpn/groups', { networkId: net, name: 'x' }))
  await bad('policy to their group', attacker.post('/api/v1/vpn/policies', { networkId: own, name: 'x', sourceGroupId: ownGroup, destinationGroupId: g, protocol: 'all' }))
  await bad('route through their peer', attacker.post('/api/v1/vpn/routes', { peerId: box.id, kind: 'exit', groupIds: [ownGroup] }))
  await bad('setup key for their network', attacker.post('/api/v1/vpn/setup-keys', { networkId: net, name: 'x' }))

  // The same public key may be used in another tenant without revealing anything about Acme.
  t.equal((await attacker.post('/api/v1/vpn/peers', { networkId: own, name: 'copy', kind: 'user', publicKey: box.publicKey })).status, 201)

  // Lists see only the caller's tenant.
  const names = async (url: string) => JSON.stringify((await attacker.get(url)).body.items)
  for (const url of ['/api/v1/vpn/networks', '/api/v1/vpn/peers', `/api/v1/vpn/peers?networkId=${net}`, '/api/v1/vpn/groups', '/api/v1/vpn/policies', '/api/v1/vpn/routes', '/api/v1/vpn/setup-keys']) {
    t.notMatch(await names(url), /acme/, `${url} shows nothing of Acme`)
  }

  // Acme's setup key used with a Globex device key is refused, and creates nothing.
  const globexBox = await (await import('./helpers.ts')).enrolAppliance(k, globex.admin)
  const stolen = await k.request('POST', '/api/v1/vpn/register', { headers: { 'x-device-key': globexBox.deviceKey }, body: { setupKey: key.key, publicKey: keyPair().publicKey, name: 'sneaky' } })
  t.match(stolen, { status: 401, body: { code: 'vpn_setup_key_invalid' } })
  // A key revoked by Acme is refused to anyone.
  await client(k, acme.admin).post(`/api/v1/vpn/setup-keys/${key.id}/revoke`)
  t.match(await k.request('POST', '/api/v1/vpn/register', { body: { setupKey: key.key, publicKey: keyPair().publicKey, name: 'after-revoke' } }), { status: 401, body: { code: 'vpn_setup_key_invalid' } })
  // A forged key naming Acme's tenant with a guessed secret is refused.
  const forged = `mzvpn_${acme.tenant.id.replaceAll('-', '')}_${'A'.repeat(43)}`
  t.equal((await k.request('POST', '/api/v1/vpn/register', { body: { setupKey: forged, publicKey: keyPair().publicKey, name: 'forged' } })).status, 401)
  t.equal(Number((await k.owner('vpn_peers').whereIn('name', ['sneaky', 'after-revoke', 'forged']).count('* as n').first())?.n), 0)

  // Globex's appliance does not get Acme's config.
  t.equal((await k.request('GET', '/api/v1/devices/self/vpn/config', { headers: { 'x-device-key': globexBox.deviceKey } })).status, 404)
  // Nor through the appliance's own per-network API, and it cannot rotate Acme's key.
  const asGlobexBox = { 'x-device-key': globexBox.deviceKey }
  t.equal((await k.request('GET', `/api/v1/vpn/self/networks/${net}/config`, { headers: asGlobexBox })).status, 404)
  t.equal((await k.request('GET', `/api/v1/vpn/self/networks/${net}/firewall`, { headers: asGlobexBox })).status, 404)
  t.notMatch((await k.request('GET', '/api/v1/vpn/self/networks', { headers: asGlobexBox })).raw.body, /acme/)
  t.equal((await k.request('PUT', `/api/v1/vpn/self/networks/${net}/key`, { headers: asGlobexBox, body: { publicKey: keyPair().publicKey } })).status, 404)

  // And nothing of Acme's changed.
  t.match((await victim.get(`/api/v1/vpn/peers/${box.id}`)).body, { name: 'acme-edge', revokedAt: null, groupIds: [g] })
  t.match((await victim.get(`/api/v1/vpn/policies/${policy}`)).body, { enabled: true })
  t.match((await victim.get(`/api/v1/vpn/networks/${net}`)).body, { name: 'acme-net' })
})

t.test('without the license or the permission', async t => {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['devices', 'ingest'])
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  t.match(await client(k, token).get('/api/v1/vpn/networks'), { status: 403, body: { code: 'feature_disabled' } })
  const acme = await licensedTenant(k)
  const reader = client(k, acme.member)
  const net = await network(client(k, acme.admin))
  t.equal((await reader.get('/api/v1/vpn/networks')).status, 200)
  t.equal((await reader.post('/api/v1/vpn/peers', { networkId: net, name: 'x', kind: 'user', publicKey: keyPair().publicKey })).status, 403)
  t.equal((await reader.get('/api/v1/vpn/setup-keys')).status, 403, 'setup keys are for admins')
  t.equal((await k.request('GET', '/api/v1/vpn/networks')).status, 401)
})

t.test('demo seed: the Acme network, its groups, policies and two user peers, once', async t => {
  const { seedDemo } = await import('../src/seed/demo.ts')
  const { vpnOf } = await import('../src/context.ts')
  const acme = await licensedTenant(k)
  const vpn = vpnOf(k.pluginContext('vpn') as Parameters<typeof vpnOf>[0])
  await seedDemo(vpn, { id: acme.tenant.id, slug: 'acme', name: 'Acme' })
  await seedDemo(vpn, { id: acme.tenant.id, slug: 'acme', name: 'Acme' })
  const api = client(k, acme.admin)
  const nets = (await api.get('/api/v1/vpn/networks')).body.items
  t.match(nets, [{ name: 'Acme', cidr4: '100.96.0.0/24', peerCount: 2 }])
  t.same((await api.get('/api/v1/vpn/groups')).body.items.map((g: { name: string }) => g.name), ['Appliances', 'IT admins', 'Staff'])
  t.equal((await api.get('/api/v1/vpn/policies')).body.items.length, 3)
  const peers = (await api.get('/api/v1/vpn/peers')).body.items
  t.same(peers.map((p: { name: string }) => p.name), ['Anna Kowalska – laptop', 'Marek Nowak – phone'])
  t.match((await api.get(`/api/v1/vpn/reachability?from=${peers[1].id}&to=${peers[0].id}&port=22`)).body, { allowed: false, reason: 'no_policy' })
})

t.test('/api/ws/vpn: a tenant hears only its own changes; no license, no socket', async t => {
  const url = (await k.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws')
  const acme = await licensedTenant(k)
  const globex = await licensedTenant(k)
  const open = (token: string) => new Promise<{ ws: WebSocket, seen: Array<{ event: string, data: Record<string, unknown> }> }>((resolve, reject) => {
    const ws = new WebSocket(`${url}/api/ws/vpn`, ['bearer', token])
    const seen: Array<{ event: string, data: Record<string, unknown> }> = []
    ws.on('message', raw => seen.push(JSON.parse(raw.toString())))
    ws.on('open', () => resolve({ ws, seen }))
    ws.on('error', reject)
  })
  const victim = await open(acme.member)
  const attacker = await open(globex.admin)
  const net = await network(client(k, acme.admin))
  const peer = await userPeer(client(k, acme.admin), net, 'acme-secret-laptop')
  const deadline = Date.now() + 10_000
  while (!victim.seen.some(e => e.data.id === peer.id) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
  t.ok(victim.seen.some(e => e.event === 'peer.changed' && e.data.id === peer.id), 'Acme\'s reader hears the new peer')
  await new Promise(resolve => setTimeout(resolve, 300))
  t.notOk(attacker.seen.some(e => JSON.stringify(e).includes(peer.id) || JSON.stringify(e).includes(net)), 'Globex hears nothing of it')
  victim.ws.close()
  attacker.ws.close()

  const unlicensed = await k.createTenant()
  await k.grantLicense(unlicensed, ['devices'])
  const { token } = await k.signIn(unlicensed, ['tenant-admin'])
  const refused = await new Promise<number>(resolve => {
    const ws = new WebSocket(`${url}/api/ws/vpn`, ['bearer', token])
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('open', () => { ws.close(); resolve(101) })
    ws.on('error', () => resolve(-1))
  })
  t.equal(refused, 403, 'a tenant without the VPN module gets no socket')
})
