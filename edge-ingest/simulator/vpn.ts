import { generateKeyPairSync } from 'node:crypto'
import { call, describe, HttpError } from './http.ts'
import type { Credentials, Enrolled } from './enroll.ts'
import { signIn } from './enroll.ts'
import type { Log } from './log.ts'
import type { IngestEvent } from './sender.ts'

// The VPN on a simulated appliance (plugins/vpn): joining the tenant's first network with a
// one-off setup key (made by the signed-in admin, in group "Appliances" when there is one), then
// fetching its wg-quick config with ETag like a real agent, and reporting what `wg show dump`
// would: each peer's last handshake and byte counters (ingest kind vpn_status). Most peers
// handshake every ~2 minutes; one peer in six flaps (4 minutes away of every 8) so the status
// page shows the flap detection; the private keys never leave this process.

const CONFIG_MS = 60_000
const REPORT_MS = 30_000

/** Joins every enrolled device that is not a VPN peer yet. Skipped (with a line) without an admin or a network. */
export async function joinVpn (url: string, credentials: Credentials | null, enrolled: Enrolled[], log: Log): Promise<void> {
  if (!credentials?.password) { log.info('vpn: no admin credentials, appliances do not join the VPN'); return }
  try {
    const session = await signIn(url, credentials)
    const auth = { authorization: `Bearer ${session.token}` }
    const networks = await call(url, '/api/v1/vpn/networks?limit=1', { headers: auth })
    const network = networks.items[0]
    if (!network) { log.info('vpn: the tenant has no VPN network; appliances do not join'); return }
    const groups = await call(url, `/api/v1/vpn/groups?networkId=${network.id}&limit=200`, { headers: auth })
    const group = groups.items.find((g: { name: string }) => g.name === 'Appliances')
    let joined = 0
    for (const device of enrolled) {
      try {
        await call(url, '/api/v1/devices/self/vpn/config', { headers: { 'x-device-key': device.deviceKey } })
        continue // a peer already
      } catch (err) { if (!(err instanceof HttpError) || err.status !== 404) throw err }
      const key = await call(url, '/api/v1/vpn/setup-keys', { headers: auth, body: { networkId: network.id, name: `simulator ${device.profile.hostname}`, expiresInHours: 1, ...(group ? { autoGroupIds: [group.id] } : {}) } })
      const { publicKey } = generateKeyPairSync('x25519')
      const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64')
      await call(url, '/api/v1/vpn/register', { headers: { 'x-device-key': device.deviceKey }, body: { setupKey: key.key, publicKey: pub, name: device.profile.hostname } })
      joined++
    }
    log.info(`vpn: ${joined} appliance(s) joined network ${network.name}`)
  } catch (err) {
    // A tenant without the VPN module (403) or an older platform (404): the rest runs on.
    log.info(`vpn: appliances do not join the VPN (${describe(err)})`)
  }
}

interface Seen { handshake: number, rx: number, tx: number, flaps: boolean }

/** One appliance's WireGuard interface, as its agent reports it. */
export class VpnAgent {
  private peers = new Map<string, Seen>()
  private etag: string | null = null
  private nextConfig = 0
  private nextReport = 0
  private readonly url: string
  private readonly key: () => string

  constructor (url: string, key: () => string) {
    this.url = url
    this.key = key
  }

  private async refresh (): Promise<void> {
    const res = await fetch(new URL('/api/v1/devices/self/vpn/config', this.url), {
      headers: { 'x-device-key': this.key(), ...(this.etag ? { 'if-none-match': this.etag } : {}) }, signal: AbortSignal.timeout(10_000)
    })
    if (res.status === 304) return
    if (res.status !== 200) { this.peers.clear(); return }
    this.etag = res.headers.get('etag')
    const keys = [...(await res.text()).matchAll(/^PublicKey = (\S+)$/gm)].map(m => m[1]!)
    const next = new Map<string, Seen>()
    for (const k of keys) next.set(k, this.peers.get(k) ?? { handshake: 0, rx: 0, tx: 0, flaps: k.charCodeAt(0) % 6 === 0 })
    this.peers = next
  }

  /** The vpn_status event due now, if any; refreshes the config in the background. */
  due (now: number, nextId: () => string): IngestEvent[] {
    if (now >= this.nextConfig) { this.nextConfig = now + CONFIG_MS; this.refresh().catch(() => {}) }
    if (now < this.nextReport || this.peers.size === 0) return []
    this.nextReport = now + REPORT_MS
    const away = (now % 480_000) < 240_000
    const peers = [...this.peers.entries()].map(([publicKey, s]) => {
      if (!(s.flaps && away) && now - s.handshake > 100_000 + Math.random() * 20_000) s.handshake = now - Math.floor(Math.random() * 5_000)
      if (!(s.flaps && away)) { s.rx += Math.floor(20_000 + Math.random() * 200_000); s.tx += Math.floor(10_000 + Math.random() * 100_000) }
      return { publicKey, latestHandshake: Math.floor(s.handshake / 1000), rxBytes: s.rx, txBytes: s.tx }
    })
    return [{ kind: 'vpn_status', id: nextId(), ts: new Date(now).toISOString(), interface: 'wg-monozu', peers }]
  }
}

/** vpn.apply: the agent fetches the new config on its next round (within a minute). */
export const vpnHandlers = {
  'vpn.apply': (payload: Record<string, unknown>) => ({ exitCode: 0, output: `vpn: config ${String(payload.configHash ?? '').slice(0, 12)} will be applied\n`, waitMs: 200 })
}
