import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { StartupError } from '../../errors/errors.ts'
import type { AuditService } from '../../audit/audit.ts'
import type { Tenancy } from '../../tenancy/tenants.ts'
import type { IdentityProviders } from './providers.ts'

/** The management deployment's staff tenant: its people are Monozu staff. */
export const STAFF_TENANT = { name: 'Monozu staff', slug: 'monozu-staff' } as const

export interface StaffDirectory { issuer: string, clientId: string, clientSecret: string, tenantId: string, defaultRole: 'member' | 'tenant-admin' }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const NAMES = ['STAFF_OIDC_ISSUER', 'STAFF_OIDC_CLIENT_ID', 'STAFF_OIDC_CLIENT_SECRET', 'STAFF_OIDC_TENANT_ID'] as const

/**
 * `monozu start --profile management`: staff sign in with Entra ID against one directory, set by
 * STAFF_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _TENANT_ID (the directory's `tid`). All or
 * none: a half-configured sign-in must stop the start, not open to any directory later.
 */
export function staffDirectoryFrom (env: Record<string, string | undefined>): StaffDirectory | null {
  const given = NAMES.filter(n => env[n])
  if (given.length === 0) return null
  const fail = (detail: string) => { throw new StartupError('config_invalid', detail) }
  if (given.length < NAMES.length) fail(`staff sign-in needs all of ${NAMES.join(', ')}; missing ${NAMES.filter(n => !env[n]).join(', ')}`)
  const issuer = env.STAFF_OIDC_ISSUER as string
  if (!/^https?:\/\/[^\s]+$/.test(issuer)) fail('STAFF_OIDC_ISSUER must be an http(s) URL, for Entra ID https://login.microsoftonline.com/<directory id>/v2.0')
  const tenantId = env.STAFF_OIDC_TENANT_ID as string
  if (!UUID.test(tenantId)) fail('STAFF_OIDC_TENANT_ID must be the Entra directory id (a GUID), never "common" or "organizations"')
  const role = env.STAFF_OIDC_DEFAULT_ROLE || 'member'
  if (role !== 'member' && role !== 'tenant-admin') fail('STAFF_OIDC_DEFAULT_ROLE must be member or tenant-admin')
  return { issuer, clientId: env.STAFF_OIDC_CLIENT_ID as string, clientSecret: env.STAFF_OIDC_CLIENT_SECRET as string, tenantId: tenantId.toLowerCase(), defaultRole: role as StaffDirectory['defaultRole'] }
}

/**
 * Makes the staff tenant's identity provider the configured directory (created on first start,
 * updated when the variables change) and pins it: the tenant-admin API may no longer change or
 * remove it, so no staff admin can open management to another directory. First sign-ins create
 * the account (JIT) with `defaultRole`; the callback refuses any other `tid`.
 */
export async function pinStaffDirectory (deps: { owner: Knex, tenancy: Tenancy, providers: IdentityProviders, audit: AuditService, log: FastifyBaseLogger }, dir: StaffDirectory): Promise<string> {
  const tenant = await deps.tenancy.tenantBySlug(STAFF_TENANT.slug) ?? await deps.tenancy.createTenant({ ...STAFF_TENANT })
  const current = await deps.owner('identity_providers').where({ tenant_id: tenant.id }).first()
  const same = current && current.issuer === dir.issuer && current.client_id === dir.clientId && current.allowed_tenant_id === dir.tenantId &&
    current.default_role === dir.defaultRole && Boolean(current.jit_provisioning)
  if (!same || !secretMatches(deps.providers, current?.client_secret_sealed, dir.clientSecret)) {
    const row = { tenant_id: tenant.id, issuer: dir.issuer, client_id: dir.clientId, client_secret_sealed: deps.providers.sealed(dir.clientSecret), allowed_tenant_id: dir.tenantId, jit_provisioning: true, default_role: dir.defaultRole, updated_at: new Date() }
    await deps.owner.transaction(async trx => {
      await trx('identity_providers').where({ tenant_id: tenant.id }).del()
      await trx('identity_providers').insert(row)
    })
    deps.providers.forget(tenant.id)
    await deps.audit.record({ action: 'identity_provider.updated', actor: 'system:config', tenantId: tenant.id, target: `idp:${dir.issuer}`, details: { clientId: dir.clientId, allowedTenantId: dir.tenantId, jitProvisioning: true, defaultRole: dir.defaultRole, source: 'STAFF_OIDC_*' } })
    deps.log.info({ issuer: dir.issuer, directory: dir.tenantId }, 'staff sign-in set to one Entra directory')
  }
  deps.providers.pin(tenant.id)
  return tenant.id
}

function secretMatches (providers: IdentityProviders, sealed: string | undefined, secret: string): boolean {
  if (!sealed) return false
  try { return providers.open(sealed) === secret } catch { return false }
}
