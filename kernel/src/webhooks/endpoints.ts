import { randomBytes, randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { SecretBox } from '../auth/oidc/secret-box.ts'

/** One secret per endpoint, in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

// A rotated-out secret keeps signing (beside the new one) this long, so receivers can switch.
export const PREVIOUS_SECRET_MS = 24 * 3600_000

export interface WebhookRow {
  tenant_id: string
  id: string
  url: string
  description: string | null
  event_types: string
  enabled: boolean
  disabled_reason: string | null
  secret_sealed: string
  previous_secret_sealed: string | null
  previous_secret_expires_at: Date | string | null
  consecutive_failures: number
  created_by: string | null
  created_at: Date | string
  updated_at: Date | string
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)

/** What the API shows of an endpoint: never its secret. */
export function endpointView (r: WebhookRow) {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: JSON.parse(r.event_types) as string[],
    enabled: Boolean(r.enabled),
    disabledReason: r.disabled_reason,
    consecutiveFailures: Number(r.consecutive_failures),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at)
  }
}

export const endpointSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    description: { type: ['string', 'null'] },
    eventTypes: { type: 'array', items: { type: 'string' } },
    enabled: { type: 'boolean' },
    disabledReason: { type: ['string', 'null'], description: 'Why the endpoint was switched off automatically, if it was' },
    consecutiveFailures: { type: 'integer', description: 'Deliveries in a row that failed for good' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' }
  }
} as const

/** An endpoint matches an event type when it lists the type or `*`. */
export const matches = (eventTypes: readonly string[], type: string) => eventTypes.includes('*') || eventTypes.includes(type)

/** The secrets that sign a delivery now: the current one, and a rotated-out one still in its grace day. */
export function signingSecrets (row: Pick<WebhookRow, 'secret_sealed' | 'previous_secret_sealed' | 'previous_secret_expires_at'>, box: SecretBox, now = Date.now()): string[] {
  const secrets = [box.open(row.secret_sealed)]
  if (row.previous_secret_sealed && row.previous_secret_expires_at && new Date(row.previous_secret_expires_at).getTime() > now) {
    secrets.push(box.open(row.previous_secret_sealed))
  }
  return secrets
}

/** Writes inside a tenant transaction (RLS holds them to the tenant). */
export function endpointStore (box: SecretBox) {
  return {
    /** `now` in milliseconds, as list cursors carry it (a database default would add microseconds a cursor cannot hold). */
    async create (trx: Knex.Transaction, tenantId: string, input: { url: string, eventTypes: string[], description?: string | null, enabled?: boolean }, actor: string, now: Date) {
      const secret = newSecret()
      const row = {
        tenant_id: tenantId, id: randomUUID(), url: input.url, description: input.description ?? null, event_types: JSON.stringify(input.eventTypes),
        enabled: input.enabled ?? true, secret_sealed: box.seal(secret), created_by: actor, created_at: now, updated_at: now
      }
      await trx('tenant_webhooks').insert(row)
      return { row: (await trx('tenant_webhooks').where({ id: row.id }).first()) as WebhookRow, secret }
    },

    async get (trx: Knex.Transaction, id: string): Promise<WebhookRow | undefined> {
      return trx('tenant_webhooks').where({ id }).first()
    },

    async rotate (trx: Knex.Transaction, row: WebhookRow) {
      const secret = newSecret()
      await trx('tenant_webhooks').where({ id: row.id }).update({
        secret_sealed: box.seal(secret),
        previous_secret_sealed: row.secret_sealed,
        previous_secret_expires_at: new Date(Date.now() + PREVIOUS_SECRET_MS),
        updated_at: new Date()
      })
      return secret
    }
  }
}
