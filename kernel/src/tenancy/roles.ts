/** Permissions the kernel itself guards (tenant-admin only). */
export const KERNEL_PERMISSIONS = [
  { id: 'users.manage', description: 'Manage the tenant\'s users and their roles' },
  { id: 'identity.manage', description: 'Configure the tenant\'s sign-in with an identity provider' },
  { id: 'jobs.read', description: 'See the tenant\'s background jobs' },
  { id: 'audit.read', description: 'Read the tenant\'s audit log' },
  { id: 'webhooks.manage', description: 'Register the tenant\'s webhook endpoints and read their delivery log' }
] as const

export const TENANT_ROLES = ['tenant-admin', 'member'] as const
export type TenantRole = typeof TENANT_ROLES[number]
export const OPERATOR_ROLE = 'platform-operator'

/**
 * tenant-admin: every permission of the tenant's enabled plugins plus the kernel's;
 * member: every `*.read` permission, and every `*.request` one (asking for service, e.g. filing an
 * ITSM ticket, is what every employee may do). `available` is what the tenant's enabled plugins declare.
 */
export function permissionsFor (roles: readonly string[], available: readonly string[]): Set<string> {
  const granted = new Set<string>()
  if (roles.includes('tenant-admin')) {
    for (const p of available) granted.add(p)
    for (const p of KERNEL_PERMISSIONS) granted.add(p.id)
  }
  if (roles.includes('member')) {
    for (const p of available) if (p.endsWith('.read') || p.endsWith('.request')) granted.add(p)
  }
  return granted
}
