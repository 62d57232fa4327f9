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

/** A plugin's role (plugin.json `roles`): given on top of a base role, it adds some of the plugin's permissions. */
export interface PluginRole { id: string, pluginId: string, name: { en: string, pl: string }, description: string, permissions: string[] }

/** The roles the plugins in `manifests` declare, by id. */
export function pluginRoles (manifests: ReadonlyArray<{ id: string, roles?: Array<Omit<PluginRole, 'pluginId'>> }>): Map<string, PluginRole> {
  return new Map(manifests.flatMap(m => (m.roles ?? []).map(r => [r.id, { ...r, pluginId: m.id }] as const)))
}

/** A user's roles: at least one base role (tenant-admin, member) and any plugin roles. */
export const isBaseRole = (role: string): role is TenantRole => (TENANT_ROLES as readonly string[]).includes(role)

/**
 * tenant-admin: every permission of the tenant's enabled plugins plus the kernel's;
 * member: every `*.read` permission, and every `*.request` one (asking for service, e.g. filing an
 * ITSM ticket, is what every employee may do); a plugin role: the permissions it lists.
 * `available` is what the tenant's enabled plugins declare, `roles` of those plugins grant.
 */
export function permissionsFor (roles: readonly string[], available: readonly string[], plugin: ReadonlyMap<string, PluginRole> = new Map()): Set<string> {
  const granted = new Set<string>()
  const open = new Set(available)
  for (const role of roles) {
    for (const p of plugin.get(role)?.permissions ?? []) if (open.has(p)) granted.add(p)
  }
  if (roles.includes('tenant-admin')) {
    for (const p of available) granted.add(p)
    for (const p of KERNEL_PERMISSIONS) granted.add(p.id)
  }
  if (roles.includes('member')) {
    for (const p of available) if (p.endsWith('.read') || p.endsWith('.request')) granted.add(p)
  }
  return granted
}
