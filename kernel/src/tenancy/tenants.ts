import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import { hashPassword } from '../auth/passwords.ts'
import type { Database } from '../db/database.ts'

export interface Tenant { id: string, slug: string, name: string, status: 'active' | 'suspended', external_id?: string | null }
export interface User { id: string, tenantId: string, email: string, name: string, roles: string[], disabled: boolean, createdAt: string }

export const slugPattern = '^[a-z0-9][a-z0-9-]{1,62}$'

export function userFromRow (row: Record<string, any>): User {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    email: row.email,
    name: row.name,
    roles: JSON.parse(row.roles),
    disabled: Boolean(row.disabled),
    createdAt: new Date(row.created_at).toISOString()
  }
}

const isUniqueViolation = (err: unknown) => ['23505', '2627', '2601'].includes(String((err as { code?: string, number?: number }).code ?? (err as { number?: number }).number))

/** Tenants, users and operators: kernel bookkeeping on the owner connection, users through RLS. */
export function createTenancy (owner: Knex, db: Database) {
  return {
    async createTenant (input: { name: string, slug: string, externalId?: string }): Promise<Tenant> {
      const tenant: Tenant = { id: randomUUID(), slug: input.slug, name: input.name, status: 'active' }
      try {
        await owner('tenants').insert({ ...tenant, external_id: input.externalId ?? null })
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError('conflict', `A tenant with slug "${input.slug}" exists`)
        throw err
      }
      return tenant
    },
    async tenantBySlug (slug: string): Promise<Tenant | undefined> {
      return owner('tenants').where({ slug }).first()
    },
    async tenantById (id: string): Promise<Tenant | undefined> {
      return owner('tenants').where({ id }).first()
    },
    async tenantByExternalId (externalId: string): Promise<Tenant | undefined> {
      return owner('tenants').where({ external_id: externalId }).first()
    },
    async renameTenant (id: string, name: string): Promise<void> {
      await owner('tenants').where({ id }).update({ name })
    },
    async setTenantStatus (id: string, status: Tenant['status']): Promise<void> {
      await owner('tenants').where({ id }).update({ status })
    },
    async createUser (tenantId: string, input: { email: string, name: string, password?: string | undefined, roles: string[] }, trx?: Knex.Transaction): Promise<User> {
      const row = {
        tenant_id: tenantId,
        id: randomUUID(),
        email: input.email.trim().toLowerCase(),
        name: input.name,
        password_hash: input.password ? await hashPassword(input.password) : null,
        roles: JSON.stringify([...new Set(input.roles)]),
        disabled: false,
        created_at: new Date()
      }
      const insert = async (t: Knex.Transaction) => { await t('users').insert(row) }
      try {
        await (trx ? insert(trx) : db.withTenant(tenantId, insert))
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError('conflict', `A user with email ${row.email} exists in this tenant`)
        throw err
      }
      return userFromRow(row)
    },
    async createOperator (input: { email: string, name: string, password: string }) {
      const row = { id: randomUUID(), email: input.email.trim().toLowerCase(), name: input.name, password_hash: await hashPassword(input.password) }
      try {
        await owner('operators').insert(row)
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError('conflict', `An operator with email ${row.email} exists`)
        throw err
      }
      return { id: row.id, email: row.email, name: row.name }
    }
  }
}

export type Tenancy = ReturnType<typeof createTenancy>
