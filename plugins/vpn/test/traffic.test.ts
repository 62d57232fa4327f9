import t from 'tap'
import type { TestKernel } from '@monozu/kernel/testing'
import { rateBetween, trafficRates } from '../src/status/rates.ts'
import { appliancePeer, client, licensedTenant, network, reportStatus, startVpn, userPeer } from './helpers.ts'

// Traffic as a rate: bytes per second between successive vpn_status counters, with counter
// resets (the agent or interface restarted). Every figure below is worked out by hand.
const S = 1000
const t0 = Date.parse('2026-12-07T10:00:00.000Z')
const sample = (s: number, rxBytes: number, txBytes: number) => ({ at: new Date(t0 + s * S), rxBytes, txBytes })

t.test('rates by hand: steady, idle, a reset, after the reset', async t => {
  t.same(trafficRates([
    sample(0, 1000, 2000),
    sample(10, 6000, 2500), // (6000-1000)/10 = 500 B/s in, (2500-2000)/10 = 50 B/s out
    sample(40, 6000, 2500), // idle: 0 and 0
    sample(50, 300, 100), // both counters went down: reset, so 300/10 = 30 and 100/10 = 10
    sample(80, 1200, 700) // (1200-300)/30 = 30, (700-100)/30 = 20
  ]), [
    { at: '2026-12-07T10:00:00.000Z', rxBytes: 1000, txBytes: 2000, rxRate: null, txRate: null, reset: false },
    { at: '2026-12-07T10:00:10.000Z', rxBytes: 6000, txBytes: 2500, rxRate: 500, txRate: 50, reset: false },
    { at: '2026-12-07T10:00:40.000Z', rxBytes: 6000, txBytes: 2500, rxRate: 0, txRate: 0, reset: false },
    { at: '2026-12-07T10:00:50.000Z', rxBytes: 300, txBytes: 100, rxRate: 30, txRate: 10, reset: true },
    { at: '2026-12-07T10:01:20.000Z', rxBytes: 1200, txBytes: 700, rxRate: 30, txRate: 20, reset: false }
  ])
  // Only one counter reset: the other is a plain difference. 7 s: 700/7 = 100; (9000-2000)/7 = 1000.
  t.same(rateBetween(sample(0, 5000, 2000), sample(7, 700, 9000)), { rxRate: 100, txRate: 1000, reset: true })
  // Two decimals: 1000 bytes in 3 s = 333.33 B/s.
  t.same(rateBetween(sample(0, 0, 0), sample(3, 1000, 0)), { rxRate: 333.33, txRate: 0, reset: false })
  t.equal(rateBetween(sample(5, 0, 0), sample(5, 10, 10)), null, 'no time passed: no rate')
  t.same(trafficRates([]), [])
})

let k: TestKernel
t.test('GET /peers/:id/traffic gives the rate of each sample and the current one', async t => {
  k = await startVpn({ clock: 'manual' })
  t.teardown(() => k.close())
  const { tenant, admin } = await licensedTenant(k)
  const api = client(k, admin)
  const net = await network(api)
  const hub = await appliancePeer(k, api, admin, net, 'hub')
  const anna = await userPeer(api, net, 'anna')
  const start = k.clock.now()
  const beforeWindow = async (s: number, rx: number, tx: number) => {
    await reportStatus(k, tenant, hub.device.deviceKey, [{ publicKey: anna.publicKey, handshakeAt: new Date(k.clock.now().getTime() - 5 * S), rx, tx }])
    await k.clock.advance(s * S)
  }
  await beforeWindow(30, 10_000, 4_000)
  await beforeWindow(30, 40_000, 7_000) // +30,000 and +3,000 in 30 s: 1,000 and 100 B/s
  await beforeWindow(60, 100, 50) // 30 s later, a reset: 100/30 = 3.33, 50/30 = 1.67
  await beforeWindow(0, 6_100, 650) // +6,000 and +600 in 60 s: 100 and 10 B/s

  const all = await api.get(`/api/v1/vpn/peers/${anna.id}/traffic`)
  t.equal(all.status, 200)
  t.same(all.body.items.map((p: { rxRate: number | null, txRate: number | null, reset: boolean }) => [p.rxRate, p.txRate, p.reset]), [
    [null, null, false], [1000, 100, false], [3.33, 1.67, true], [100, 10, false]
  ])
  t.match(all.body.current, { rxRate: 100, txRate: 10 })

  // A window that starts after the first sample still gives its first point a rate (from the sample before it).
  const from = new Date(start.getTime() + 45 * S).toISOString()
  const windowed = await api.get(`/api/v1/vpn/peers/${anna.id}/traffic?from=${from}`)
  t.same(windowed.body.items.map((p: { rxRate: number | null }) => p.rxRate), [3.33, 100])
  // Another tenant's admin asks for this peer: 404.
  const other = await licensedTenant(k)
  t.equal((await client(k, other.admin).get(`/api/v1/vpn/peers/${anna.id}/traffic`)).status, 404)
})
