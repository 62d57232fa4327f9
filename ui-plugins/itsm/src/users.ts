import { useMe } from '@monozu/ui-sdk'

/** A user of the tenant as GET /api/v1/users lists them. */
export interface User { id: string, email: string, name: string }

/**
 * Whether the signed-in user may list the tenant's users (the kernel's `users.manage`, held by
 * tenant admins only). It is a kernel permission, not a module's, so the features list does not
 * carry it: the base role says it.
 */
export function useCanListUsers (): boolean {
  return useMe()?.user.roles.includes('tenant-admin') ?? false
}
