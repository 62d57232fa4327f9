import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import { hashPassword } from '../auth/passwords.ts'
import type { Database } from '../db/database.ts'
import type { TenantRole } from './roles.ts'
import type { Tenancy } from './tenants.ts'

const INVITATION_DAYS = 7
const sha256 = (v: string) => createHash('sha256').update(v).digest('hex')

export interface Invitation { userId: string, email: string, token: string, acceptUrl: string, expiresAt: string }

/** Invitations: a user without a password plus a one-time token that lets them set one. */
export function createInvitations (owner: Knex, db: Database, tenancy: Tenancy, publicUrl: string | undefined) {
  return {
    async invite (tenantId: string, input: { email: string, name: string, role: TenantRole }): Promise<Invitation> {
      const token = randomBytes(32).toString('base64url')
      const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86400_000)
      const user = await db.withTenant(tenantId, async trx => {
        const created = await tenancy.createUser(tenantId, { email: input.email, name: input.name, roles: [input.role] }, trx)
        await trx('invitations').insert({ tenant_id: tenantId, id: randomUUID(), user_id: created.id, token_hash: sha256(token), expires_at: expiresAt })
        return created
      })
      return { userId: user.id, email: user.email, token, acceptUrl: `${publicUrl ?? ''}/accept-invitation#token=${token}`, expiresAt: expiresAt.toISOString() }
    },

    /** Sets the invited user's password; the token works once, before it expires. */
    async accept (token: string, password: string): Promise<{ userId: string, tenantId: string }> {
      const row = await owner('invitations').where({ token_hash: sha256(token) }).first()
      if (!row || row.accepted_at || new Date(row.expires_at).getTime() < Date.now()) {
        throw new ApiError('not_found', 'This invitation is unknown, used or expired; ask your administrator for a new one')
      }
      const hash = await hashPassword(password)
      await db.withTenant(row.tenant_id, async trx => {
        const claimed = await trx('invitations').where({ id: row.id }).whereNull('accepted_at').update({ accepted_at: new Date() })
        if (claimed !== 1) throw new ApiError('not_found', 'This invitation was just used')
        await trx('users').where({ id: row.user_id }).update({ password_hash: hash, updated_at: new Date() })
      })
      return { userId: row.user_id, tenantId: row.tenant_id }
    }
  }
}

export type Invitations = ReturnType<typeof createInvitations>
