import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startTestKernel, waitFor, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'

export const securityPlugin = fileURLToPath(new URL('..', import.meta.url))
export const cmdbPlugin = fileURLToPath(new URL('../../cmdb/', import.meta.url))
/** What appliances talk to: devices (enrollment, device keys) and edge-ingest (POST /v1/ingest). */
export const appliancePlugins = [fileURLToPath(new URL('../../devices/', import.meta.url)), fileURLToPath(new URL('../../../edge-ingest/', import.meta.url))]

export type Tenant = Awaited<ReturnType<TestKernel['createTenant']>>

export function startSecurity (options: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ ...options, plugins: [cmdbPlugin, securityPlugin, ...appliancePlugins, ...(options.plugins ?? [])] })
}

/** A tenant licensed for security (and cmdb, devices, ingest) with a tenant-admin and a member (*.read). */
export async function licensedTenant (k: TestKernel): Promise<{ tenant: Tenant, admin: string, member: string }> {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['security', 'cmdb', 'devices', 'ingest'])
  const [admin, member] = await Promise.all([k.signIn(tenant, ['tenant-admin']), k.signIn(tenant, ['member'])])
  return { tenant, admin: admin.token, member: member.token }
}

export function client (k: TestKernel, token: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown) => k.request(method, url, { token, ...(body !== undefined ? { body } : {}) })
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body ?? {}),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    del: (url: string) => call('DELETE', url)
  }
}
export type Client = ReturnType<typeof client>

export async function enrolAppliance (k: TestKernel, adminToken: string): Promise<{ deviceId: string, deviceKey: string }> {
  const token = await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: adminToken, body: {} })
  if (token.status !== 201) throw new Error(`enrollment token: ${token.status} ${JSON.stringify(token.body)}`)
  const res = await k.request('POST', '/api/v1/devices/register', {
    headers: { 'x-enrollment-token': token.body.token },
    body: { hostname: `edge-${randomUUID().slice(0, 8)}`, os: 'Debian 12', agentVersion: '1.0.0', hardwareId: randomUUID() }
  })
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/** POSTs events of `kind` as the appliance and waits until the tenant's inbox is empty (consumed). */
export async function send (k: TestKernel, appliance: { deviceKey: string }, tenant: Tenant, kind: string, events: Array<Record<string, unknown>>): Promise<void> {
  const res = await k.request('POST', '/v1/ingest', {
    headers: { 'content-type': 'application/json', 'x-device-key': appliance.deviceKey },
    body: JSON.stringify({ kind, events: events.map(e => ({ id: randomUUID(), ...e })) })
  })
  if (res.status !== 202 || res.body.accepted !== events.length) throw new Error(`ingest: ${res.status} ${JSON.stringify(res.body)}`)
  await waitFor('the ingest inbox to drain', async () => {
    const row = await k.owner('ingest_inbox').where({ tenant_id: tenant.id }).count('* as n').first()
    return Number(row?.n) === 0
  })
}
