import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { matches } from './endpoints.ts'

/** A domain event as the events service hands it to its publish sinks. */
export interface PublishedEvent {
  id: string
  type: string
  tenantId: string
  subject: string | null
  payload: unknown
  occurredAt: Date | string
}

/** The type of the ping `POST /api/v1/webhooks/:id/test` sends. */
export const TEST_EVENT_TYPE = 'webhook.test'

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed'

export interface AttemptRecord {
  attempt: number
  at: string
  responseCode: number | null
  durationMs: number
  error: string | null
  /** The start of the endpoint's answer (text, at most 500 characters). */
  response: string | null
}

export interface DeliveryRow {
  tenant_id: string
  id: string
  webhook_id: string
  event_id: string
  event_type: string
  body: string
  status: DeliveryStatus
  attempts: number
  round_attempts: number
  round_started_at: Date | string
  next_attempt_at: Date | string | null
  last_attempt_at: Date | string | null
  response_code: number | null
  duration_ms: number | null
  error: string | null
  attempt_log: string
  locked_by: string | null
  locked_until: Date | string | null
  created_at: Date | string
  updated_at: Date | string
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The Standard Webhooks payload: `{ type, timestamp, data }`. An object payload is spread into
 * `data` (anything else goes under `data.value`), with the event's tenant, subject and id added.
 */
export function deliveryBody (event: PublishedEvent): string {
  const data = isObject(event.payload) ? { ...event.payload } : { value: event.payload }
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(event.occurredAt).toISOString(),
    data: { ...data, tenantId: event.tenantId, subject: event.subject, eventId: event.id }
  })
}

/** Pending deliveries of `event` to `endpointIds`, due now, inside the caller's transaction. */
async function insertDeliveries (trx: Knex.Transaction, event: PublishedEvent, endpointIds: string[], now: Date): Promise<string[]> {
  if (endpointIds.length === 0) return []
  const body = deliveryBody(event)
  const rows = endpointIds.map(webhookId => ({
    tenant_id: event.tenantId, id: randomUUID(), webhook_id: webhookId, event_id: event.id, event_type: event.type, body,
    status: 'pending', next_attempt_at: now, round_started_at: now, created_at: now, updated_at: now
  }))
  await trx('tenant_webhook_deliveries').insert(rows)
  return rows.map(r => r.id)
}

/**
 * The events sink: one pending delivery per enabled endpoint of the event's tenant that takes
 * its type, written in the publishing transaction (`trx` is scoped to that tenant), so the
 * deliveries commit or roll back with the event.
 */
export async function enqueueForEvent (trx: Knex.Transaction, event: PublishedEvent, now: Date): Promise<string[]> {
  const endpoints = await endpointsOf(trx, event.tenantId)
  const targets = endpoints.filter(e => matches(e.eventTypes, event.type)).map(e => e.id)
  return insertDeliveries(trx, event, targets, now)
}

type Endpoint = { id: string, eventTypes: string[] }
const endpointsByTrx = new WeakMap<Knex.Transaction, Map<string, Promise<Endpoint[]>>>()

/**
 * The tenant's enabled endpoints, read once per publishing transaction: a transaction that
 * publishes a batch of events pays one lookup, not one per event. An endpoint added while the
 * transaction runs takes events from the next transaction on.
 */
function endpointsOf (trx: Knex.Transaction, tenantId: string): Promise<Endpoint[]> {
  let perTenant = endpointsByTrx.get(trx)
  if (!perTenant) endpointsByTrx.set(trx, perTenant = new Map())
  let endpoints = perTenant.get(tenantId)
  if (!endpoints) {
    endpoints = trx('tenant_webhooks').where({ tenant_id: tenantId, enabled: true }).select('id', 'event_types')
      .then((rows: Array<{ id: string, event_types: string | string[] }>) => rows.map(r => ({ id: r.id, eventTypes: (typeof r.event_types === 'string' ? JSON.parse(r.event_types) : r.event_types) as string[] })))
    perTenant.set(tenantId, endpoints)
    // A failed read must not be remembered: the caller's savepoint may recover and publish again.
    endpoints.catch(() => perTenant.delete(tenantId))
  }
  return endpoints
}

/** The ping of one endpoint: a `webhook.test` delivery with a fresh event id. */
export async function enqueueTest (trx: Knex.Transaction, tenantId: string, webhookId: string, now: Date): Promise<string> {
  const event: PublishedEvent = { id: randomUUID(), type: TEST_EVENT_TYPE, tenantId, subject: null, payload: { message: 'A test delivery from Monozu Cloud' }, occurredAt: now }
  const [id] = await insertDeliveries(trx, event, [webhookId], now)
  return id as string
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null)

export function deliveryView (r: DeliveryRow) {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: Number(r.attempts),
    responseCode: r.response_code === null ? null : Number(r.response_code),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    error: r.error,
    nextAttemptAt: iso(r.next_attempt_at),
    lastAttemptAt: iso(r.last_attempt_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at)
  }
}

export function deliveryDetail (r: DeliveryRow) {
  return { ...deliveryView(r), payload: JSON.parse(r.body) as unknown, attemptLog: JSON.parse(r.attempt_log) as AttemptRecord[] }
}

const nullableString = { type: ['string', 'null'] }
const nullableInteger = { type: ['integer', 'null'] }

export const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Sent as webhook-id; the same on every attempt and redelivery' },
    webhookId: { type: 'string' },
    eventId: { type: 'string' },
    eventType: { type: 'string' },
    status: { enum: ['pending', 'succeeded', 'failed'] },
    attempts: { type: 'integer' },
    responseCode: nullableInteger,
    durationMs: nullableInteger,
    error: nullableString,
    nextAttemptAt: nullableString,
    lastAttemptAt: nullableString,
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' }
  }
} as const

export const deliveryDetailSchema = {
  type: 'object',
  properties: {
    ...deliverySchema.properties,
    payload: { description: 'The JSON body every attempt sends' },
    attemptLog: {
      type: 'array',
      items: {
        type: 'object',
        properties: { attempt: { type: 'integer' }, at: { type: 'string' }, responseCode: nullableInteger, durationMs: { type: 'integer' }, error: nullableString, response: nullableString }
      }
    }
  }
} as const
