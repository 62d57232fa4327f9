import t from 'tap'
import { randomUUID } from 'node:crypto'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { parseWg, strip } from './wg-grammar.ts'
import { appliancePeer, client, enrolAppliance, group, hasWg, keyPair, licensedTenant, network, startVpn, userPeer, wg, type Client } from './helpers.ts'

// The appliance's own VPN API (device key): one config per network, its own key rotation, and
// whether it applied what it was told (vpn.apply results from devices.command_finished).
let k: TestKernel
t.before(async () => { k = await startVpn() })
t.teardown(() => k?.close())

const asDevice = (deviceKey: string | undefined, method: 'GET' | 'PUT', url: string, body?: unknown, etag?: string) =>
  k.request(method, url, { headers: { ...(deviceKey !== undefined ? { 'x-device-key': deviceKey } : {}), ...(etag ? { 'if-none-match': etag } : {}) }, ...(body !== undefined ? { body } : {}) })

/** An appliance in two networks, each with a user peer its policy lets in. */
async function twoNetworks (api: Client, admin: string) {
  const netA = await network(api, { name: `a-${randomUUID().slice(0, 6)}`, cidr4: '100.80.0.0/24' })
  const netB = await network(api, { name: `b-${randomUUID().slice(0, 6)}`, cidr4: '100.81.0.0/24' })
  const device = await enrolAppliance(k, admin, 'edge-two-nets')
  const keysA = keyPair()
  const keysB = keyPair()
  const serversA = await group(api, netA, 'Servers')
  const serversB = await group(api, netB, 'Servers')
  const peerA = (await api.post('/api/v1/vpn/peers', { networkId: netA, name: 'edge', kind: 'appliance', publicKey: keysA.publicKey, deviceId: device.deviceId, groupIds: [serversA] })).body
  const peerB = (await api.post('/api/v1/vpn/peers', { networkId: netB, name: 'edge', kind: 'appliance', publicKey: keysB.publicKey, deviceId: device.deviceId, groupIds: [serversB] })).body
  const annaA = await userPeer(api, netA, 'anna', [serversA])
  const marekB = await userPeer(api, netB, 'marek', [serversB])
  for (const [net, g] of [[netA, serversA], [netB, serversB]]) {
    const res = await api.post('/api/v1/vpn/policies', { networkId: net, name: 'mesh', sourceGroupId: g, destinationGroupId: g, protocol: 'all', bidirectional: true })
    if (res.status !== 201) throw new Error(`policy: ${res.status}`)
  }
  return { netA, netB, device, keysA, keysB, peerA, peerB, annaA, marekB, serversA }
}

t.test('an appliance in two networks lists them and fetches one wg-quick config per network, with ETag/304', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const { netA, netB, device, keysA, keysB, peerA, peerB, annaA, marekB } = await twoNetworks(api, admin)

  const list = await asDevice(device.deviceKey, 'GET', '/api/v1/vpn/self/networks')
  t.equal(list.status, 200, list.raw.body)
  const items = JSON.parse(list.raw.body).items as Array<{ networkId: string, interface: string, peerId: string, publicKey: string, config: string }>
  t.same(items.map(i => i.networkId).sort(), [netA, netB].sort())
  t.equal(new Set(items.map(i => i.interface)).size, 2, 'one interface per network')
  for (const i of items) t.match(i.interface, /^wg-mz-[0-9a-f]{8}$/, 'an interface name Linux accepts (at most 15 characters)')
  t.equal(items.find(i => i.networkId === netA)!.publicKey, keysA.publicKey)
  t.equal((await asDevice(device.deviceKey, 'GET', '/api/v1/vpn/self/networks', undefined, list.headers.etag as string)).status, 304)

  const fetched = new Map<string, { body: string, etag: string }>()
  for (const i of items) {
    const res = await asDevice(device.deviceKey, 'GET', i.config)
    t.equal(res.status, 200)
    t.match(res.headers['content-type'], /^text\/plain/)
    fetched.set(i.networkId, { body: res.raw.body, etag: res.headers.etag as string })
    t.equal((await asDevice(device.deviceKey, 'GET', i.config, undefined, res.headers.etag as string)).status, 304, 'unchanged: 304')
  }
  const a = fetched.get(netA)!.body
  const b = fetched.get(netB)!.body
  const sectionsA = parseWg(strip(a))
  const sectionsB = parseWg(strip(b))
  t.same(sectionsA.map(s => s.section), ['Interface', 'Peer'], 'network A alone: one [Interface]')
  t.same(sectionsB.map(s => s.section), ['Interface', 'Peer'])
  t.equal(sectionsA[1]!.values.PublicKey, annaA.publicKey)
  t.equal(sectionsB[1]!.values.PublicKey, marekB.publicKey)
  t.notMatch(a, marekB.publicKey, 'no peer of the other network')
  t.match(a, `Address = ${peerA.address4}/24`)
  t.match(b, `Address = ${peerB.address4}/24`)
  // The file the appliance writes, completed with its private key, is one wg can load.
  const withKey = strip(a).replace('[Interface]', `[Interface]\nPrivateKey = ${keysA.privateKey}`)
  t.equal(parseWg(withKey)[0]!.values.PrivateKey, keysA.privateKey)
  if (hasWg) t.equal(wg(['pubkey'], keysB.privateKey), keysB.publicKey)
  const fw = await asDevice(device.deviceKey, 'GET', `/api/v1/vpn/self/networks/${netB}/firewall`)
  t.match(JSON.parse(fw.raw.body), { peer: peerB.id, default: 'drop', inbound: [{ name: 'mesh' }] })

  // A change in network B changes B's config and ETag only.
  await userPeer(api, netB, 'olga', [(await api.get(`/api/v1/vpn/groups?networkId=${netB}`)).body.items[0].id])
  t.equal((await asDevice(device.deviceKey, 'GET', `/api/v1/vpn/self/networks/${netA}/config`, undefined, fetched.get(netA)!.etag)).status, 304)
  t.equal((await asDevice(device.deviceKey, 'GET', `/api/v1/vpn/self/networks/${netB}/config`, undefined, fetched.get(netB)!.etag)).status, 200)

  // Others: no key, a wrong key, another appliance's key, another tenant's appliance.
  t.equal((await asDevice(undefined, 'GET', `/api/v1/vpn/self/networks/${netA}/config`)).status, 401)
  t.equal((await asDevice('mzd_nope', 'GET', '/api/v1/vpn/self/networks')).status, 401)
  const stranger = await enrolAppliance(k, admin)
  t.equal((await asDevice(stranger.deviceKey, 'GET', `/api/v1/vpn/self/networks/${netA}/config`)).status, 404, 'a device that is no peer of A')
  t.same(JSON.parse((await asDevice(stranger.deviceKey, 'GET', '/api/v1/vpn/self/networks')).raw.body).items, [])
  const other = await licensedTenant(k)
  const foreign = await enrolAppliance(k, other.admin)
  t.equal((await asDevice(foreign.deviceKey, 'GET', `/api/v1/vpn/self/networks/${netA}/config`)).status, 404, 'another tenant\'s device')
})

t.test('an appliance rotates its own key: peers get the new key, the old one is gone; others cannot rotate it', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const { netA, netB, device, keysA, keysB, peerA, peerB, annaA, serversA } = await twoNetworks(api, admin)
  const hub = await appliancePeer(k, api, admin, netA, 'hub', [serversA])
  const hubConfig = async () => (await asDevice(hub.device.deviceKey, 'GET', `/api/v1/vpn/self/networks/${netA}/config`)).raw.body
  t.match(await hubConfig(), `PublicKey = ${keysA.publicKey}`)

  const fresh = keyPair()
  const rotated = await asDevice(device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: fresh.publicKey })
  t.equal(rotated.status, 200, rotated.raw.body)
  t.match(JSON.parse(rotated.raw.body), { peerId: peerA.id, networkId: netA, publicKey: fresh.publicKey })
  const after = await hubConfig()
  t.match(after, `PublicKey = ${fresh.publicKey}`, 'the hub\'s config has the new key')
  t.notMatch(after, keysA.publicKey, 'and no longer the old one')
  const annaConf = (await api.get(`/api/v1/vpn/peers/${annaA.id}/config?format=conf`)).raw.body
  t.match(annaConf, fresh.publicKey)
  t.notMatch(annaConf, keysA.publicKey)
  t.match((await api.get(`/api/v1/vpn/peers/${peerA.id}`)).body, { publicKey: fresh.publicKey, keyAgeDays: 0 })
  t.equal((await api.get(`/api/v1/vpn/peers/${peerB.id}`)).body.publicKey, keysB.publicKey, 'its peer in the other network keeps its key')
  t.ok((await k.owner('vpn_peers').where({ tenant_id: tenant.id }).where({ public_key: keysA.publicKey })).length === 0, 'no peer answers to the old key')
  const audit = await k.owner('audit_log').where({ tenant_id: tenant.id, action: 'vpn.peer.rotate_key' }).first()
  t.match(audit, { actor: `device:${device.deviceId}`, target: peerA.id })

  // The old key can neither come back nor be taken by another peer's rotation.
  t.match(await asDevice(device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: fresh.publicKey }), { status: 409 }, 'the current key again')
  t.match(await asDevice(hub.device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: fresh.publicKey }), { status: 409 }, 'another peer\'s key')
  t.match(await asDevice(device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: 'A'.repeat(43) + '=' }), { status: 400 }, 'all-zero is no key')
  t.match(await asDevice(device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: keyPair().publicKey, privateKey: keysA.privateKey }), { status: 400 }, 'a private key is refused')

  // The attacker's side: another appliance's key, no key, another tenant's appliance.
  const stranger = await enrolAppliance(k, admin)
  const evil = keyPair()
  t.equal((await asDevice(stranger.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: evil.publicKey })).status, 404)
  t.equal((await asDevice(undefined, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: evil.publicKey })).status, 401)
  const other = await licensedTenant(k)
  const foreign = await enrolAppliance(k, other.admin)
  t.equal((await asDevice(foreign.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: evil.publicKey })).status, 404)
  // The hub rotating "in A" rotates the hub, never the edge.
  const hubKey = keyPair()
  t.equal((await asDevice(hub.device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: hubKey.publicKey })).status, 200)
  t.equal((await api.get(`/api/v1/vpn/peers/${peerA.id}`)).body.publicKey, fresh.publicKey)
  t.equal((await api.get(`/api/v1/vpn/peers/${hub.id}`)).body.publicKey, hubKey.publicKey)

  // A revoked peer cannot rotate; a revoked device is refused outright.
  t.equal((await api.post(`/api/v1/vpn/peers/${peerB.id}/revoke`)).status, 200)
  t.match(await asDevice(device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netB}/key`, { publicKey: keyPair().publicKey }), { status: 409, body: { code: 'invalid_state' } }, 'a revoked peer cannot rotate')
  t.equal((await asDevice(device.deviceKey, 'GET', `/api/v1/vpn/self/networks/${netB}/config`)).status, 404, 'and has no config')
  t.equal((await api.post(`/api/v1/devices/${device.deviceId}/revoke`, {})).status, 200)
  t.equal((await asDevice(device.deviceKey, 'PUT', `/api/v1/vpn/self/networks/${netA}/key`, { publicKey: keyPair().publicKey })).status, 401, 'revoked device')
  t.equal((await asDevice(device.deviceKey, 'GET', '/api/v1/vpn/self/networks')).status, 401)
  t.equal((await api.get(`/api/v1/vpn/peers/${peerA.id}`)).body.publicKey, fresh.publicKey, 'unchanged')
})

t.test('vpn.apply results: pending until the appliance reports, then applied or failed; a stale result changes nothing', async t => {
  const { admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api)
  const servers = await group(api, net, 'Servers')
  const edge = await appliancePeer(k, api, admin, net, 'edge', [servers])
  t.equal((await api.post('/api/v1/vpn/policies', { networkId: net, name: 'mesh', sourceGroupId: servers, destinationGroupId: servers, protocol: 'all', bidirectional: true })).status, 201)
  const applyOf = async () => (await api.get(`/api/v1/vpn/peers/${edge.id}`)).body.apply
  const key = edge.device.deviceKey
  const next = async () => {
    const res = await k.request('GET', '/api/v1/devices/self/commands', { headers: { 'x-device-key': key } })
    return res.body.items[0] as { id: string, type: string, payload: { configHash: string } } | undefined
  }
  const result = (id: string, exitCode: number) => k.request('POST', `/api/v1/commands/${id}/result`, { headers: { 'x-device-key': key }, body: { exitCode, output: exitCode ? 'wg-quick: RTNETLINK answers: Operation not permitted' : 'ok' } })

  const first = await applyOf()
  t.match(first, { state: 'pending', error: null, configHash: /^[0-9a-f]{64}$/ }, 'the config was just rendered: pending')
  // The config from before the policy was sent first: its success is for an older config.
  const older = await next()
  t.match(older, { type: 'vpn.apply' })
  t.not(older!.payload.configHash, first.configHash)
  t.equal((await result(older!.id, 0)).status, 200)
  const cmd = await waitFor('the current command', async () => { const c = await next(); return c && c.id !== older!.id ? c : undefined })
  t.match(cmd, { type: 'vpn.apply', payload: { configHash: first.configHash } })
  t.match(await applyOf(), { state: 'pending' }, 'an older config\'s result does not count')
  t.equal((await result(cmd!.id, 0)).status, 200)
  const applied = await waitFor('applied', async () => { const a = await applyOf(); return a.state === 'applied' && a })
  t.match(applied, { state: 'applied', error: null, finishedAt: /Z$/, commandId: cmd!.id })
  t.match((await api.get(`/api/v1/vpn/peers?networkId=${net}&kind=appliance`)).body.items[0].apply, { state: 'applied' }, 'in the list too')
  t.same((await api.get(`/api/v1/vpn/peers/${(await userPeer(api, net, 'anna')).id}`)).body.apply, null, 'a user device has no apply state')

  // Two changes before the appliance reports: the result of the first (stale) command is ignored.
  await userPeer(api, net, 'marek', [servers])
  const c1 = await next()
  await userPeer(api, net, 'olga', [servers])
  t.match(await applyOf(), { state: 'pending' })
  t.equal((await result(c1!.id, 0)).status, 200)
  const c2 = await waitFor('the next command', async () => { const c = await next(); return c && c.id !== c1!.id ? c : undefined })
  t.equal(c2.payload.configHash, (await applyOf()).configHash, 'the newest config')
  // The stale success must not have marked the newer config applied; the failure of the newer one does count.
  t.match(await applyOf(), { state: 'pending' }, 'still pending after the stale result')
  t.equal((await result(c2.id, 1)).status, 200)
  const failed = await waitFor('failed', async () => { const a = await applyOf(); return a.state === 'failed' && a })
  t.match(failed, { state: 'failed', error: 'failed with exit code 1', commandId: c2.id })

  // The network's live channel hears it (peer.apply) and a cancelled command reads as failed too.
  await userPeer(api, net, 'piotr', [servers])
  const c3 = await next()
  t.equal((await api.post(`/api/v1/commands/${c3!.id}/cancel`, {})).status, 200)
  t.match(await waitFor('cancelled', async () => { const a = await applyOf(); return a.state === 'failed' && a.commandId === c3!.id && a }), { error: 'cancelled' })
})
