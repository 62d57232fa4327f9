import { fileURLToPath } from 'node:url'
import { startTestKernel, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'

export const itsmPlugin = fileURLToPath(new URL('..', import.meta.url))
/** ITSM depends on the cmdb, devices and security plugins (links, impact, device alerts, findings). */
export const neededPlugins = ['../../cmdb/', '../../devices/', '../../security/'].map(p => fileURLToPath(new URL(p, import.meta.url)))
export type Tenant = Awaited<ReturnType<TestKernel['createTenant']>>

export function startItsm (options: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ ...options, plugins: [...neededPlugins, itsmPlugin, ...(options.plugins ?? [])] })
}

/** A tenant licensed for itsm with an agent/admin (tenant-admin) and two requesters (members). */
export async function licensedTenant (k: TestKernel, features: string[] = []) {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['itsm', 'cmdb', 'devices', 'security', ...features])
  const [agent, alice, bob] = await Promise.all([k.signIn(tenant, ['tenant-admin']), k.signIn(tenant, ['member']), k.signIn(tenant, ['member'])])
  return { tenant, agent: client(k, agent.token), agentId: agent.user.id, alice: client(k, alice.token), aliceId: alice.user.id, bob: client(k, bob.token), bobId: bob.user.id }
}

export function client (k: TestKernel, token: string) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, headers?: Record<string, string>) =>
    k.request(method, url, { token, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) })
  return {
    token,
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call('POST', url, body, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) => call('PATCH', url, body, headers),
    put: (url: string, body: unknown) => call('PUT', url, body),
    del: (url: string) => call('DELETE', url),
    raw: (url: string, payload: Buffer | string, contentType: string) => k.request('POST', url, { token, body: payload, headers: { 'content-type': contentType } })
  }
}
export type Client = ReturnType<typeof client>
