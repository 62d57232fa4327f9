import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { startTestKernel, waitFor, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'
import { devicesPlugin, enrollmentToken, ingestPlugin, register } from '@monozu/plugin-devices/testing'

export const backupPlugin = fileURLToPath(new URL('..', import.meta.url))
/** Backup links jobs to CIs through the cmdb service, so cmdb is a dependency. */
export const cmdbPlugin = fileURLToPath(new URL('../../cmdb/', import.meta.url))
export type Tenant = Awaited<ReturnType<TestKernel['createTenant']>>

export function startBackup (options: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ ...options, plugins: [backupPlugin, cmdbPlugin, devicesPlugin, ingestPlugin, ...(options.plugins ?? [])] })
}

/** A tenant licensed for backup, cmdb, devices and ingest, with a tenant-admin and a member. */
export async function licensedTenant (k: TestKernel) {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['backup', 'cmdb', 'devices', 'ingest'])
  const [admin, member] = await Promise.all([k.signIn(tenant, ['tenant-admin']), k.signIn(tenant, ['member'])])
  return { tenant, admin: admin.token, member: member.token }
}

export function client (k: TestKernel, token: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>) =>
    k.request(method, url, { token, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) })
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call('POST', url, body ?? {}, headers),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    del: (url: string) => call('DELETE', url)
  }
}

/** An enrolled appliance: { deviceId, deviceKey }. */
export async function appliance (k: TestKernel, adminToken: string, hostname?: string) {
  return register(k, await enrollmentToken(k, adminToken), hostname ? { hostname } : {})
}

/** Sends backup events as the appliance and waits until the consumer has taken them all. */
export async function send (k: TestKernel, tenant: Tenant, deviceKey: string, events: Array<Record<string, unknown>>): Promise<void> {
  const res = await k.request('POST', '/v1/ingest', {
    headers: { 'content-type': 'application/json', 'x-device-key': deviceKey },
    body: JSON.stringify({ kind: 'backup_event', events: events.map(e => ({ id: randomUUID(), ...e })) })
  })
  if (res.status !== 202) throw new Error(`ingest: ${res.status} ${JSON.stringify(res.body)}`)
  await waitFor('backup events consumed', async () => {
    const row = await k.owner('ingest_inbox').where({ tenant_id: tenant.id }).count('* as n').first()
    return Number(row?.n) === 0
  })
}

/** The domain events published in the tenant, oldest first. */
export async function published (k: TestKernel, tenant: Tenant, type?: string): Promise<Array<{ type: string, subject: string, payload: any }>> {
  const rows = await k.owner('event_outbox').where({ tenant_id: tenant.id }).modify(q => { if (type) q.where({ type }) }).orderBy('occurred_at').select('type', 'subject', 'payload')
  return rows.map((r: { type: string, subject: string, payload: unknown }) => ({ type: r.type, subject: r.subject, payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload }))
}

export const hours = (n: number) => n * 3_600_000
