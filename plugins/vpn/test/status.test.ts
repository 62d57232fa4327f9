import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { appliancePeer, client, licensedTenant, network, reportStatus, startVpn, userPeer, type ReportedPeer, type Tenant } from './helpers.ts'

// Online history and flap detection from a simulated stream of vpn_status reports, on a manual
// clock: each report is sent at the kernel's time, then time moves on.
let k: TestKernel
t.before(async () => { k = await startVpn({ clock: 'manual', pluginConfig: { vpn: { handshakeTimeoutSeconds: 180, flapTransitions: 4, flapWindowMinutes: 10 } } }) })
t.teardown(() => k?.close())

const S = 1000
/** wg reports whole seconds. */
const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString()

const report = (tenant: Tenant, deviceKey: string, peers: ReportedPeer[]) => reportStatus(k, tenant, deviceKey, peers)
const events = async (tenant: Tenant, type: string, subject: string) =>
  (await k.owner('event_outbox').where({ tenant_id: tenant.id, type, subject }).orderBy('occurred_at').select('payload')).map((r: { payload: unknown }) => typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload)

t.test('handshakes make history; a quiet peer is disconnected by the sweep; flapping is called out and cleared', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api)
  const hub = await appliancePeer(k, api, admin, net, 'hub')
  const anna = await userPeer(api, net, 'anna')
  const marek = await userPeer(api, net, 'marek')

  const t0 = k.clock.now()
  await report(tenant, hub.device.deviceKey, [{ publicKey: anna.publicKey, handshakeAt: new Date(t0.getTime() - 10 * S), rx: 5000, tx: 7000 }, { publicKey: marek.publicKey, handshakeAt: null }])
  t.match((await api.get(`/api/v1/vpn/peers/${anna.id}`)).body.status, { status: 'connected', rxBytes: 5000, txBytes: 7000, flapping: false })
  t.match((await api.get(`/api/v1/vpn/peers/${marek.id}`)).body.status, { status: 'disconnected', lastHandshakeAt: null })
  t.match((await api.get(`/api/v1/vpn/peers?networkId=${net}&status=connected`)).body.items.map((p: { name: string }) => p.name), ['anna'])
  const opened = await api.get(`/api/v1/vpn/peers/${anna.id}/history`)
  t.same(opened.body.items, [{ connectedAt: at(t0.getTime() - 10 * S), disconnectedAt: null }], 'an open interval from the handshake')
  t.match(await events(tenant, 'vpn.peer_status_changed', anna.id), [{ status: 'connected', previous: 'never', name: 'anna' }])

  // Anna's appliance goes quiet: five minutes later the sweep closes her interval at handshake + 180 s.
  await k.clock.advance(5 * 60 * S)
  const swept = await k.runJob('vpn', 'sweep', null, { tenantId: tenant.id })
  t.equal(swept.state, 'succeeded', swept.lastError ?? '')
  t.match((await api.get(`/api/v1/vpn/peers/${anna.id}`)).body.status, { status: 'disconnected' })
  const closed = await api.get(`/api/v1/vpn/peers/${anna.id}/history`)
  t.same(closed.body.items, [{ connectedAt: at(t0.getTime() - 10 * S), disconnectedAt: new Date(Date.parse(at(t0.getTime() - 10 * S)) + 180 * S).toISOString() }])
  t.ok(closed.body.uptimeRatio > 0 && closed.body.uptimeRatio < 0.01)
  t.match(await events(tenant, 'vpn.peer_status_changed', anna.id), [{ status: 'connected' }, { status: 'disconnected', previous: 'connected' }])
  t.equal((await api.get(`/api/v1/vpn/peers/${anna.id}/traffic`)).body.items.length, 1)

  // Marek's tunnel flaps: up, down (stale report), up, down within ten minutes.
  let last = k.clock.now()
  await report(tenant, hub.device.deviceKey, [{ publicKey: marek.publicKey, handshakeAt: last }])
  await k.clock.advance(200 * S)
  await report(tenant, hub.device.deviceKey, [{ publicKey: marek.publicKey, handshakeAt: last }])
  t.match((await api.get(`/api/v1/vpn/peers/${marek.id}`)).body.status, { status: 'disconnected', flapping: false })
  await k.clock.advance(10 * S)
  last = k.clock.now()
  await report(tenant, hub.device.deviceKey, [{ publicKey: marek.publicKey, handshakeAt: last }])
  await k.clock.advance(190 * S)
  await report(tenant, hub.device.deviceKey, [{ publicKey: marek.publicKey, handshakeAt: last }])
  const flapping = (await api.get(`/api/v1/vpn/peers/${marek.id}`)).body.status
  t.match(flapping, { status: 'disconnected', flapping: true, flappingSince: /Z$/ }, 'four changes in ten minutes: flapping')
  t.match(await events(tenant, 'vpn.peer_flapping', marek.id), [{ flapping: true, transitions: 4, windowMinutes: 10 }])
  t.match((await api.get(`/api/v1/vpn/peers?status=flapping`)).body.items.map((p: { name: string }) => p.name), ['marek'])
  t.equal((await api.get(`/api/v1/vpn/peers/${marek.id}/history`)).body.items.length, 2)

  // It settles: connected and reporting for eleven minutes, then the sweep clears the flag.
  for (let i = 0; i < 6; i++) {
    await report(tenant, hub.device.deviceKey, [{ publicKey: marek.publicKey, handshakeAt: k.clock.now() }])
    await k.clock.advance(120 * S)
  }
  await k.runJob('vpn', 'sweep', null, { tenantId: tenant.id })
  t.match((await api.get(`/api/v1/vpn/peers/${marek.id}`)).body.status, { status: 'connected', flapping: false, flappingSince: null })
  t.match(await events(tenant, 'vpn.peer_flapping', marek.id), [{ flapping: true }, { flapping: false }])

  // Unknown keys (another tenant's, or none) are ignored; the report is still consumed.
  await report(tenant, hub.device.deviceKey, [{ publicKey: 'x'.repeat(0) + Buffer.alloc(32, 9).toString('base64'), handshakeAt: k.clock.now() }])
  t.pass('unknown key ignored')
})

t.test('keys older than keyRotationDays: flagged on the peer, and admins are reminded', async t => {
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api)
  const fresh = await userPeer(api, net, 'fresh-key')
  const stale = await userPeer(api, net, 'stale-key')
  await k.owner('vpn_peers').where({ id: stale.id }).update({ key_created_at: new Date(k.clock.now().getTime() - 200 * 86_400_000) })
  t.match((await api.get(`/api/v1/vpn/peers/${stale.id}`)).body, { keyRotationDue: true, keyAgeDays: 200 })
  t.match((await api.get(`/api/v1/vpn/peers/${fresh.id}`)).body, { keyRotationDue: false })
  const run = await k.runJob('vpn', 'key-age', null, { tenantId: tenant.id })
  t.equal(run.state, 'succeeded', run.lastError ?? '')
  const notes = await k.owner('notifications').where({ tenant_id: tenant.id, type: 'vpn.key_rotation_due' })
  t.ok(notes.length >= 1, 'the admin got a reminder')
  t.match(JSON.stringify(notes[0]), 'stale-key')
  t.notMatch(JSON.stringify(notes[0]), 'fresh-key')
})
