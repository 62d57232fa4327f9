import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { startTestKernel, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'

export const cmdbPlugin = fileURLToPath(new URL('..', import.meta.url))
/** What appliances talk to: devices (enrollment, device keys) and edge-ingest (POST /v1/ingest). */
export const appliancePlugins = [fileURLToPath(new URL('../../devices/', import.meta.url)), fileURLToPath(new URL('../../../edge-ingest/', import.meta.url))]

export type Tenant = Awaited<ReturnType<TestKernel['createTenant']>>

export function startCmdb (options: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ ...options, plugins: [cmdbPlugin, ...(options.plugins ?? [])] })
}

/**
 * A tenant licensed for the cmdb (and for devices and ingest, which appliances need) with a
 * tenant-admin (every permission) and a member (the *.read ones).
 */
export async function licensedTenant (k: TestKernel): Promise<{ tenant: Tenant, admin: string, member: string }> {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['cmdb', 'devices', 'ingest'])
  const [admin, member] = await Promise.all([k.signIn(tenant, ['tenant-admin']), k.signIn(tenant, ['member'])])
  return { tenant, admin: admin.token, member: member.token }
}

/** A client bound to one token: `api.post(url, body)` returns `{ status, body }`. */
export function client (k: TestKernel, token: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, headers?: Record<string, string>) =>
    k.request(method, url, { token, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) })
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call('POST', url, body, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) => call('PATCH', url, body, headers),
    del: (url: string) => call('DELETE', url),
    /** Raw body with a content type (CSV uploads). */
    send: (method: 'POST', url: string, payload: string, contentType: string) => k.request(method, url, { token, body: payload, headers: { 'content-type': contentType } })
  }
}

export type Client = ReturnType<typeof client>

/** Polls until `check` returns a value (the ingest dispatcher delivers within ~250 ms). */
export async function eventually<T> (check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await sleep(50)
  }
}

/** Enrols an appliance the way a real one does (plugins/devices/README.md): token, then register. */
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

/** POST /v1/ingest as the appliance: `{ kind: "discovery", events }`, each event with an id. */
export function ingest (k: TestKernel, deviceKey: string, events: Array<Record<string, unknown>>) {
  return k.request('POST', '/v1/ingest', {
    headers: { 'content-type': 'application/json', 'x-device-key': deviceKey },
    body: JSON.stringify({ kind: 'discovery', events: events.map(e => ({ id: randomUUID(), ...e })) })
  })
}

/**
 * Sends discovery events from an enrolled appliance through edge-ingest and waits until the
 * kernel's dispatcher has handed all of the tenant's events to the cmdb's consumer.
 */
export async function discover (k: TestKernel, appliance: { deviceKey: string }, tenant: Tenant, events: Array<Record<string, unknown>>): Promise<void> {
  const res = await ingest(k, appliance.deviceKey, events)
  if (res.status !== 202 || res.body.accepted !== events.length) throw new Error(`ingest: ${res.status} ${JSON.stringify(res.body)}`)
  await eventually(async () => {
    const row = await k.owner('ingest_inbox').where({ tenant_id: tenant.id }).count('* as n').first()
    return Number(row?.n) === 0
  })
}
