import { fileURLToPath } from 'node:url'
import { startTestKernel, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'

/** This plugin's folder: the test kit loads it as the platform would. */
export const pluginDir = fileURLToPath(new URL('..', import.meta.url))

export type Tenant = Awaited<ReturnType<TestKernel['createTenant']>>

export function start (options: TestKernelOptions = {}): Promise<TestKernel> {
  return startTestKernel({ ...options, plugins: [pluginDir, ...(options.plugins ?? [])] })
}

/** A tenant licensed for partner-notes, with a tenant-admin (every permission) and a member (partner-notes.read only). */
export async function licensedTenant (k: TestKernel): Promise<{ tenant: Tenant, admin: string, member: string }> {
  const tenant = await k.createTenant()
  await k.grantLicense(tenant, ['partner-notes'])
  const [admin, member] = await Promise.all([k.signIn(tenant, ['tenant-admin']), k.signIn(tenant, ['member'])])
  return { tenant, admin: admin.token, member: member.token }
}

/** A client bound to one token: `api.post(url, body)` resolves to `{ status, body }`. */
export function client (k: TestKernel, token: string) {
  return {
    get: (url: string) => k.request('GET', url, { token }),
    post: (url: string, body?: unknown) => k.request('POST', url, { token, ...(body !== undefined ? { body } : {}) })
  }
}
