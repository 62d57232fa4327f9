import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startTestKernel, waitFor, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'

export const vpnPlugin = fileURLToPath(new URL('..', import.meta.url))
/** devices (device keys, commands, the self resources) and edge-ingest (POST /v1/ingest). */
export const appliancePlugins = [fileURLToPath(new URL('../../devices/', import.meta.url)), fileURLToPath(new URL('../../../edge-ingest/', import.meta.url))]

export type Tenant = Awaited<ReturnType<TestKernel['createTenant']>>

export function startVpn (options: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ ...options, plugins: [vpnPlugin, ...appliancePlugins, ...(options.plugins ?? [])] })
}

export async function licensedTenant (k: TestKernel): Promise<{ tenant: Tenant, admin: string, member: string }> {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['vpn', 'devices', 'ingest'])
  const [admin, member] = await Promise.all([k.signIn(tenant, ['tenant-admin']), k.signIn(tenant, ['member'])])
  return { tenant, admin: admin.token, member: member.token }
}

export function client (k: TestKernel, token: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, headers?: Record<string, string>) =>
    k.request(method, url, { token, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) })
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call('POST', url, body, headers),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
    del: (url: string) => call('DELETE', url)
  }
}
export type Client = ReturnType<typeof client>

/** An X25519 key pair as WireGuard writes it (base64 of the raw 32 bytes), made with node:crypto. */
export function keyPair (): { privateKey: string, publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  return {
    privateKey: Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url').toString('base64'),
    publicKey: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64')
  }
}

export const hasWg = (() => { try { execFileSync('wg', ['--version']); return true } catch { return false } })()
export const wg = (args: string[], input?: string) => execFileSync('wg', args, { input, encoding: 'utf8' }).trim()

export async function enrolAppliance (k: TestKernel, adminToken: string, hostname = `edge-${randomUUID().slice(0, 8)}`): Promise<{ deviceId: string, deviceKey: string }> {
  const token = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: adminToken, body: {} })
  if (token.status !== 201) throw new Error(`enrollment token: ${token.status} ${JSON.stringify(token.body)}`)
  const res = await k.request('POST', '/api/v1/devices/register', {
    headers: { 'x-enrollment-token': token.body.token },
    body: { hostname, os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() }
  })
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/** A network with groups: the usual fixture. */
export async function network (api: Client, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('/api/v1/vpn/networks', { name: `net-${randomUUID().slice(0, 6)}`, cidr4: '100.64.0.0/24', ...body })
  if (res.status !== 201) throw new Error(`network: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id
}

export async function group (api: Client, networkId: string, name: string, peerIds: string[] = []): Promise<string> {
  const res = await api.post('/api/v1/vpn/groups', { networkId, name, peerIds })
  if (res.status !== 201) throw new Error(`group: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.id
}

export async function userPeer (api: Client, networkId: string, name: string, groupIds: string[] = []): Promise<{ id: string, address4: string, address6: string | null, publicKey: string, privateKey: string }> {
  const keys = keyPair()
  const res = await api.post('/api/v1/vpn/peers', { networkId, name, kind: 'user', publicKey: keys.publicKey, groupIds })
  if (res.status !== 201) throw new Error(`peer: ${res.status} ${JSON.stringify(res.body)}`)
  return { ...res.body, privateKey: keys.privateKey }
}

export async function appliancePeer (k: TestKernel, api: Client, adminToken: string, networkId: string, name: string, groupIds: string[] = [], endpoint?: string) {
  const device = await enrolAppliance(k, adminToken, name)
  const keys = keyPair()
  const res = await api.post('/api/v1/vpn/peers', { networkId, name, kind: 'appliance', publicKey: keys.publicKey, deviceId: device.deviceId, groupIds, ...(endpoint ? { endpoint } : {}) })
  if (res.status !== 201) throw new Error(`appliance peer: ${res.status} ${JSON.stringify(res.body)}`)
  return { ...res.body, privateKey: keys.privateKey, device }
}

export interface ReportedPeer { publicKey: string, handshakeAt: Date | null, rx?: number, tx?: number }

/** One vpn_status report sent at the kernel's time (`wg show dump` in whole seconds), then waits until it is consumed. */
export async function reportStatus (k: TestKernel, tenant: Tenant, deviceKey: string, peers: ReportedPeer[]): Promise<void> {
  const unix = (d: Date) => Math.floor(d.getTime() / 1000)
  const res = await k.request('POST', '/v1/ingest', {
    headers: { 'content-type': 'application/json', 'x-device-key': deviceKey },
    body: JSON.stringify({ kind: 'vpn_status', events: [{ id: randomUUID(), ts: k.clock.now().toISOString(), interface: 'wg-monozu', peers: peers.map(p => ({ publicKey: p.publicKey, latestHandshake: p.handshakeAt ? unix(p.handshakeAt) : 0, rxBytes: p.rx ?? 1000, txBytes: p.tx ?? 2000 })) }] })
  })
  if (res.status !== 202 || res.body.accepted !== 1) throw new Error(`ingest: ${res.status} ${JSON.stringify(res.body)}`)
  await waitFor('the vpn_status report to be consumed', async () => Number((await k.owner('ingest_inbox').where({ tenant_id: tenant.id }).count('* as n').first())?.n) === 0)
}
