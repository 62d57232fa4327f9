import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'
import { startTestKernel, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'

export const devicesPlugin = fileURLToPath(new URL('..', import.meta.url))
export const ingestPlugin = fileURLToPath(new URL('../../../edge-ingest', import.meta.url))

type Tenant = Awaited<ReturnType<TestKernel['createTenant']>>

export async function startDevicesKernel (options: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ plugins: [devicesPlugin, ingestPlugin], ...options })
}

/** A licensed tenant with an admin and a member signed in. */
export async function licensedTenant (k: TestKernel, features = ['devices', 'ingest']) {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, features)
  const admin = await k.signIn(tenant, ['tenant-admin'])
  const member = await k.signIn(tenant, ['member'])
  return { tenant, admin: admin.token, member: member.token }
}

export async function enrollmentToken (k: TestKernel, adminToken: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: adminToken, body })
  if (res.status !== 201) throw new Error(`enrollment token: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.token
}

export async function register (k: TestKernel, token: string, device: Partial<{ hostname: string, hardwareId: string }> = {}) {
  const res = await k.request('POST', '/api/v1/devices/register', {
    headers: { 'x-enrollment-token': token },
    body: { hostname: device.hostname ?? `edge-${randomUUID().slice(0, 8)}`, os: 'Debian 12', agentVersion: '1.4.2', hardwareId: device.hardwareId ?? randomUUID() }
  })
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { deviceId: string, deviceKey: string, created: boolean }
}

/** A tenant with one enrolled device. */
export async function enrolledDevice (k: TestKernel) {
  const t = await licensedTenant(k)
  const device = await register(k, await enrollmentToken(k, t.admin))
  return { ...t, ...device }
}

export type { Tenant }
