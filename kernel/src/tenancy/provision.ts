import type { AuditService } from '../audit/audit.ts'
import { ApiError } from '../errors/errors.ts'
import type { Invitation, Invitations } from './invitations.ts'
import type { Tenancy, Tenant } from './tenants.ts'

export interface ProvisionInput {
  name: string
  slug: string
  externalId?: string
  admin?: { email: string, name?: string }
}

/**
 * Creates a tenant and invites its first admin. With an `externalId` (the management side's
 * key) it is idempotent: the same id again returns the existing tenant and creates nothing.
 */
export async function provisionTenant (deps: { tenancy: Tenancy, invitations: Invitations, audit: AuditService }, input: ProvisionInput, who: { actor: string, requestId?: string }): Promise<{ created: boolean, tenant: Tenant, invitation: Invitation | null }> {
  if (input.externalId) {
    const existing = await deps.tenancy.tenantByExternalId(input.externalId)
    if (existing) {
      if (existing.slug !== input.slug) throw new ApiError('conflict', `External id ${input.externalId} already belongs to tenant "${existing.slug}"`)
      return { created: false, tenant: existing, invitation: null }
    }
  }
  const tenant = await deps.tenancy.createTenant(input)
  const invitation = input.admin
    ? await deps.invitations.invite(tenant.id, { email: input.admin.email, name: input.admin.name ?? input.admin.email, role: 'tenant-admin' })
    : null
  await deps.audit.record({ action: 'tenant.created', actor: who.actor, tenantId: tenant.id, target: `tenant:${tenant.id}`, details: { slug: tenant.slug, externalId: input.externalId ?? null, admin: input.admin?.email ?? null }, ...(who.requestId ? { requestId: who.requestId } : {}) })
  return { created: true, tenant: { ...tenant, external_id: input.externalId ?? null }, invitation }
}
