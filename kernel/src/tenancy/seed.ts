import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Knex } from 'knex'
import type { Tenancy } from './tenants.ts'

export interface DemoSeed { password: string, created: boolean, passwordFile: string | null }

export const DEMO_ACCOUNTS = [
  { tenant: { name: 'Acme', slug: 'acme' }, email: 'admin@acme.example', name: 'Acme Admin' },
  { tenant: { name: 'Globex', slug: 'globex' }, email: 'admin@globex.example', name: 'Globex Admin' }
] as const
export const DEMO_OPERATOR = 'operator@monozu.example'

function demoPassword (dataDir: string, given: string | undefined): { password: string, file: string | null } {
  if (given) return { password: given, file: null }
  const file = join(dataDir, 'demo-password')
  if (existsSync(file)) return { password: readFileSync(file, 'utf8').trim(), file }
  mkdirSync(dataDir, { recursive: true })
  const password = randomBytes(12).toString('base64url')
  writeFileSync(file, password + '\n', { mode: 0o600 })
  return { password, file }
}

/** First start only: the Acme and Globex demo tenants and a platform operator. */
export async function seedDemo (owner: Knex, tenancy: Tenancy, dataDir: string, given: string | undefined): Promise<DemoSeed> {
  const { password, file } = demoPassword(dataDir, given)
  if (await owner('kernel_meta').where({ key: 'demo_seeded' }).first()) return { password, created: false, passwordFile: file }
  for (const account of DEMO_ACCOUNTS) {
    const tenant = await tenancy.tenantBySlug(account.tenant.slug) ?? await tenancy.createTenant(account.tenant)
    await tenancy.createUser(tenant.id, { email: account.email, name: account.name, password, roles: ['tenant-admin'] })
  }
  await tenancy.createOperator({ email: DEMO_OPERATOR, name: 'Platform Operator', password })
  await owner('kernel_meta').insert({ key: 'demo_seeded', value: new Date().toISOString() })
  return { password, created: true, passwordFile: file }
}
