import { randomBytes } from 'node:crypto'
import { readOrCreate } from '../data-dir.ts'
import { join } from 'node:path'
import { issueLicense } from '../licensing/license.ts'
import type { PluginRegistry } from '../plugins/registry.ts'
import type { Services } from '../services.ts'
import { pluginRoles } from './roles.ts'
import { STAFF_TENANT } from '../auth/oidc/staff-directory.ts'

export interface DemoSeed { password: string, created: boolean, passwordFile: string | null }

export const DEMO_ACCOUNTS = [
  { tenant: { name: 'Acme', slug: 'acme' }, email: 'admin@acme.example', name: 'Acme Admin' },
  { tenant: { name: 'Globex', slug: 'globex' }, email: 'admin@globex.example', name: 'Globex Admin' }
] as const
export const DEMO_OPERATOR = 'operator@monozu.example'
/** The management deployment's demo staff account (tenant `monozu-staff`). */
export const DEMO_STAFF = 'staff@monozu.example'

function demoPassword (dataDir: string, given: string | undefined): { password: string, file: string | null } {
  if (given) return { password: given, file: null }
  const file = join(dataDir, 'demo-password')
  return { password: readOrCreate(file, () => randomBytes(12).toString('base64url') + '\n').trim(), file }
}

/**
 * First start only: the Acme and Globex demo tenants and a platform operator. With the
 * generated dev license key, both tenants get a one-year license for every feature that an
 * installed plugin declares (`features`: from every manifest, also those another profile runs).
 */
export async function seedDemo (services: Services, registry: PluginRegistry, features: string[], dataDir: string, given: string | undefined, staffOnly = false): Promise<DemoSeed> {
  const { owner, tenancy } = services
  const { password, file } = demoPassword(dataDir, given)
  // The first instance to claim the key seeds; others starting at the same moment skip.
  const claimed = await owner('kernel_meta').insert({ key: 'demo_seeded', value: 'seeding' }).onConflict('key').ignore().returning('key')
  if (claimed.length === 0) return { password, created: false, passwordFile: file }
  try {
    if (staffOnly) await seedStaff(services, password)
    else await seed(services, registry, [...new Set(features)].sort(), password)
  } catch (err) {
    await owner('kernel_meta').where({ key: 'demo_seeded' }).del()
    throw err
  }
  await owner('kernel_meta').where({ key: 'demo_seeded' }).update({ value: new Date().toISOString() })
  return { password, created: true, passwordFile: file }
}

/** The management deployment: one staff tenant and the demo staff account, nothing of the cloud's demo. */
async function seedStaff (services: Services, password: string): Promise<void> {
  const { tenancy } = services
  const tenant = await tenancy.tenantBySlug(STAFF_TENANT.slug) ?? await tenancy.createTenant({ ...STAFF_TENANT })
  await tenancy.createUser(tenant.id, { email: DEMO_STAFF, name: 'Monozu Staff', password, roles: ['tenant-admin'] })
}

async function seed (services: Services, registry: PluginRegistry, features: string[], password: string): Promise<void> {
  const { tenancy } = services
  for (const account of DEMO_ACCOUNTS) {
    const tenant = await tenancy.tenantBySlug(account.tenant.slug) ?? await tenancy.createTenant(account.tenant)
    await tenancy.createUser(tenant.id, { email: account.email, name: account.name, password, roles: ['tenant-admin'] })
    const key = services.licenseKeys.devSign
    if (key) await services.features.installLicense(tenant.id, await issueLicense(key, { tid: tenant.id, features, seats: 100, days: 365 }), { actor: 'seed' })
    // One demo user per plugin role (plugin.json `roles`, on top of member), e.g. a service desk
    // agent, so a module's seedDemo finds people through ctx.tenants.users; named by the role, so
    // the kernel names no plugin.
    for (const role of pluginRoles(registry.running().map(r => r.manifest)).values()) {
      await tenancy.createUser(tenant.id, { email: `${role.id}@${tenant.slug}.example`, name: `${account.tenant.name} ${role.name.en}`, password, roles: ['member', role.id] })
    }
    for (const record of registry.running()) {
      if (!record.definition?.seedDemo || !record.context) continue
      await record.definition.seedDemo(record.context, { id: tenant.id, slug: tenant.slug, name: tenant.name })
    }
  }
  await tenancy.createOperator({ email: DEMO_OPERATOR, name: 'Platform Operator', password })
}
