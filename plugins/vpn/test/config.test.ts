import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { parseWg, strip } from './wg-grammar.ts'
import { appliancePeer, client, group, hasWg, keyPair, licensedTenant, network, startVpn, userPeer, wg } from './helpers.ts'

let k: TestKernel
t.before(async () => { k = await startVpn() })
t.teardown(() => k?.close())

t.test('keys: node X25519 (what WebCrypto does) and wg agree', { skip: hasWg ? false : 'wg (wireguard-tools) is not installed' }, async t => {
  const pair = keyPair()
  t.equal(wg(['pubkey'], pair.privateKey), pair.publicKey, 'wg pubkey derives the same public key')
  const priv = wg(['genkey'])
  t.match(wg(['pubkey'], priv), /^[A-Za-z0-9+/]{43}=$/)
})

t.test('appliances fetch their config with ETag/304; a change sends vpn.apply to the appliances it affects', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api, { cidr4: '100.70.0.0/24', prefix6: 'fd70::/64', dns: ['100.70.0.1'], listenPort: 51830 })
  const servers = await group(api, net, 'Servers')
  const laptops = await group(api, net, 'Laptops')
  const hub = await appliancePeer(k, api, admin, net, 'hub', [servers], 'vpn.acme.example:51830')
  const edge = await appliancePeer(k, api, admin, net, 'edge', [servers])
  const laptop = await userPeer(api, net, 'anna-laptop', [laptops])
  t.equal((await api.post('/api/v1/vpn/policies', { networkId: net, name: 'mesh', sourceGroupId: servers, destinationGroupId: servers, protocol: 'all', bidirectional: true })).status, 201)
  t.equal((await api.post('/api/v1/vpn/policies', { networkId: net, name: 'ssh', sourceGroupId: laptops, destinationGroupId: servers, protocol: 'tcp', ports: ['22'] })).status, 201)

  const fetch = (device: { deviceKey: string }, etag?: string) => k.request('GET', '/api/v1/devices/self/vpn/config', { headers: { 'x-device-key': device.deviceKey, ...(etag ? { 'if-none-match': etag } : {}) } })
  const first = await fetch(hub.device)
  t.equal(first.status, 200, JSON.stringify(first.body))
  const config = first.raw.body
  t.match(config, /^\[Interface\]$/m)
  t.match(config, `PostUp = wg set %i private-key /etc/monozu/vpn/private.key`)
  t.match(config, `Address = ${hub.address4}/24, ${hub.address6}/64`)
  t.match(config, 'ListenPort = 51830')
  t.match(config, `PublicKey = ${edge.publicKey}`)
  t.match(config, `PublicKey = ${laptop.publicKey}`)
  t.notMatch(config, /PrivateKey/, 'the server has no private key to put there')
  const parsed = parseWg(strip(config))
  t.same(parsed.map(s => s.section), ['Interface', 'Peer', 'Peer'])
  t.same(parsed.find(s => s.values.PublicKey === laptop.publicKey)!.values.AllowedIPs, `${laptop.address4}/32, ${laptop.address6}/128`)
  const etag = first.headers.etag as string
  t.ok(etag)
  t.equal((await fetch(hub.device, etag)).status, 304, 'unchanged: 304')
  const firewall = await k.request('GET', '/api/v1/devices/self/vpn/firewall', { headers: { 'x-device-key': hub.device.deviceKey } })
  t.match(JSON.parse(firewall.raw.body), { default: 'drop', inbound: [{ name: 'mesh', protocol: 'all' }, { name: 'ssh', protocol: 'tcp', ports: ['22'], from: [`${laptop.address4}/32`, `${laptop.address6}/128`] }] })

  const commands = async (deviceId: string) => (await api.get(`/api/v1/commands?deviceId=${deviceId}&limit=200`)).body.items.filter((c: { type: string }) => c.type === 'vpn.apply')
  const hubBefore = (await commands(hub.device.deviceId)).length
  const edgeBefore = (await commands(edge.device.deviceId)).length
  t.ok(hubBefore >= 1, 'each change that touched the hub told it')

  // A peer in no group changes nobody's config: no command.
  await userPeer(api, net, 'loner')
  t.equal((await commands(hub.device.deviceId)).length, hubBefore)
  t.equal((await fetch(hub.device, etag)).status, 304)

  // Revoking the laptop drops it from both appliances' configs on their next apply.
  t.match(await api.post(`/api/v1/vpn/peers/${laptop.id}/revoke`), { status: 200, body: { revokedAt: /Z$/ } })
  const hubCommands = await commands(hub.device.deviceId)
  t.equal(hubCommands.length, hubBefore + 1, 'one vpn.apply for the hub')
  t.equal((await commands(edge.device.deviceId)).length, edgeBefore + 1, 'and one for the edge')
  t.match(hubCommands[0], { type: 'vpn.apply', payload: { networkId: net, resource: 'vpn/config' } })
  const after = await fetch(hub.device, etag)
  t.equal(after.status, 200, 'changed: a new body')
  t.notMatch(after.raw.body, laptop.publicKey, 'the revoked key is gone')
  t.match(await api.get(`/api/v1/vpn/peers/${laptop.id}/config`), { status: 409 })

  // The user device's config, completed with its private key the way the browser does, is a valid wg config.
  const other = await userPeer(api, net, 'marek-phone', [laptops])
  const conf = await api.get(`/api/v1/vpn/peers/${other.id}/config?format=conf`)
  t.equal(conf.status, 200)
  t.match(conf.headers['content-disposition'], /attachment/)
  const body = conf.raw.body.replace('# PrivateKey = <the private key stays on your device>', `PrivateKey = ${other.privateKey}`)
  t.match(body, 'DNS = 100.70.0.1')
  const stripped = parseWg(strip(body))
  t.equal(stripped[0]!.values.PrivateKey, other.privateKey)
  if (hasWg) t.equal(wg(['pubkey'], stripped[0]!.values.PrivateKey), other.publicKey, 'the key in the file matches the registered public key')
  const hubSection = stripped.find(s => s.values.PublicKey === hub.publicKey)!
  t.same(hubSection.values, { PublicKey: hub.publicKey, AllowedIPs: `${hub.address4}/32, ${hub.address6}/128`, Endpoint: 'vpn.acme.example:51830', PersistentKeepalive: '25' })

  // Not a peer: 404.
  const stranger = await (await import('./helpers.ts')).enrolAppliance(k, admin)
  t.equal((await fetch(stranger)).status, 404)
})

t.test('reachability over HTTP names the policies and what is missing', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api)
  const admins = await group(api, net, 'Admins')
  const servers = await group(api, net, 'Servers')
  const a = await userPeer(api, net, 'admin-laptop', [admins])
  const s = await userPeer(api, net, 'server', [servers])
  await api.post('/api/v1/vpn/policies', { networkId: net, name: 'Admins to servers: ssh', sourceGroupId: admins, destinationGroupId: servers, protocol: 'tcp', ports: ['22'] })
  t.match((await api.get(`/api/v1/vpn/reachability?from=${a.id}&to=${s.id}&port=22`)).body, {
    allowed: true, reason: 'allowed', policies: [{ name: 'Admins to servers: ssh', sourceGroupName: 'Admins', destinationGroupName: 'Servers' }]
  })
  t.match((await api.get(`/api/v1/vpn/reachability?from=${a.id}&to=${s.id}&port=3389`)).body, {
    allowed: false, reason: 'mismatch', nearMisses: [{ mismatch: 'port' }], missing: { fromGroupIds: [admins], toGroupIds: [servers], port: 3389 }
  })
  t.match((await api.get(`/api/v1/vpn/reachability?from=${s.id}&to=${a.id}&port=22`)).body, { allowed: false, nearMisses: [{ mismatch: 'direction' }] })
  const other = await network(api, { cidr4: '10.99.0.0/24' })
  const far = await userPeer(api, other, 'elsewhere')
  t.equal((await api.get(`/api/v1/vpn/reachability?from=${a.id}&to=${far.id}`)).status, 400)
  void keyPair
})

t.test('setup keys: one-off, reusable with a limit, expiry, auto groups, revocation, stored hashed', async t => {
  const { admin, member } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api, { cidr4: '100.80.0.0/24' })
  const edges = await group(api, net, 'Edges')
  const register = (setupKey: string, name: string, headers: Record<string, string> = {}) =>
    k.request('POST', '/api/v1/vpn/register', { headers, body: { setupKey, publicKey: keyPair().publicKey, name } })

  t.equal((await client(k, member).post('/api/v1/vpn/setup-keys', { networkId: net, name: 'x' })).status, 403, 'members cannot make keys')
  const once = await api.post('/api/v1/vpn/setup-keys', { networkId: net, name: 'one-off', autoGroupIds: [edges] })
  t.match(once, { status: 201, body: { reusable: false, usageLimit: 1, usedCount: 0, state: 'valid', key: /^mzvpn_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/ } })
  const stored = await k.owner('vpn_setup_keys').where({ id: once.body.id }).first()
  t.notMatch(JSON.stringify(stored), once.body.key.split('_')[2], 'the secret is not stored')
  t.equal(stored.key_hash.length, 64)
  t.notOk((await api.get('/api/v1/vpn/setup-keys')).body.items.some((i: { key?: string }) => i.key), 'lists never show keys')

  const device = await (await import('./helpers.ts')).enrolAppliance(k, admin)
  const joined = await register(once.body.key, 'edge-07', { 'x-device-key': device.deviceKey })
  t.match(joined, { status: 201, body: { peer: { kind: 'appliance', deviceId: device.deviceId, groupIds: [edges], name: 'edge-07' }, config: /\[Interface\]/ } })
  t.match(await register(once.body.key, 'again'), { status: 401, body: { code: 'vpn_setup_key_invalid' } }, 'a one-off key works once')
  t.equal((await k.request('GET', '/api/v1/devices/self/vpn/config', { headers: { 'x-device-key': device.deviceKey } })).status, 200, 'the appliance can fetch its config now')

  const many = await api.post('/api/v1/vpn/setup-keys', { networkId: net, name: 'laptops', reusable: true, usageLimit: 2 })
  t.equal((await register(many.body.key, 'l1')).status, 201)
  t.match(await register(many.body.key, 'l2'), { status: 201, body: { peer: { kind: 'user', deviceId: null } } })
  t.equal((await register(many.body.key, 'l3')).status, 401, 'the usage limit holds')
  t.match((await api.get('/api/v1/vpn/setup-keys')).body.items.find((i: { id: string }) => i.id === many.body.id), { usedCount: 2, state: 'used_up' })

  const revocable = await api.post('/api/v1/vpn/setup-keys', { networkId: net, name: 'rev', reusable: true })
  t.equal((await register(revocable.body.key, 'r1')).status, 201)
  t.match(await api.post(`/api/v1/vpn/setup-keys/${revocable.body.id}/revoke`), { status: 200, body: { state: 'revoked' } })
  const refused = await register(revocable.body.key, 'r2')
  t.match(refused, { status: 401, body: { code: 'vpn_setup_key_invalid' } }, 'a revoked key is refused')
  t.match(refused.headers['content-type'], /problem\+json/)

  const short = await api.post('/api/v1/vpn/setup-keys', { networkId: net, name: 'short', expiresInHours: 1 })
  await k.owner('vpn_setup_keys').where({ id: short.body.id }).update({ expires_at: new Date(Date.now() - 1000) })
  t.equal((await register(short.body.key, 'late')).status, 401, 'an expired key is refused')
  t.equal((await register('mzvpn_nonsense', 'x')).status, 401)
  t.equal((await api.post('/api/v1/vpn/setup-keys', { networkId: net, name: 'bad', usageLimit: 5 })).status, 400, 'a one-off key has no limit of 5')
})
