import type { Transaction } from '../db/database.ts'

/** One validated event to store; `data` is the event without its envelope (kind, id, ts). */
export interface IngestEventInput {
  deviceId: string
  kind: string
  /** The sender's event id: a second event with the same id from the same device is a duplicate. */
  eventId: string | null
  /** When it happened (ISO 8601); absent when the sender gave none: then the time the inbox received it. */
  ts?: string
  data: Record<string, unknown>
  /**
   * The event's JSON text as received, when the caller has it: an object whose fields other than
   * `kind`, `id` and `ts` are exactly `data`. It is stored instead of serialising `data` again.
   */
  source?: string
}

/** An event as its consumer receives it. */
export interface IngestedEvent {
  seq: string
  tenantId: string
  deviceId: string
  kind: string
  eventId: string | null
  ts: string
  receivedAt: string
  /** Earlier deliveries that failed (0 on the first). */
  attempts: number
  data: Record<string, unknown>
}

/**
 * Handles a batch of one tenant's events of one kind inside that tenant's transaction. The
 * events leave the inbox only if it resolves; if it throws, the batch is retried later (then
 * one event at a time, so one bad event cannot hold up the others).
 */
export type IngestConsumer = (events: IngestedEvent[], trx: Transaction) => Promise<void>

export type EventCheck = { ok: true } | { ok: false, detail: string }

export interface IngestKind {
  kind: string
  pluginId: string
  description?: string
  /** Validates an event's own fields against the declaring plugin's schema. */
  check (data: unknown): EventCheck
}

/** One tenant's part of a commit that holds several tenants (`ctx.ingest.commitTenants`). */
export interface IngestTenantEvents { tenantId: string, events: IngestEventInput[] }

/** `ctx.ingest`: the durable ingest inbox. */
export interface PluginIngest {
  /** Every kind an installed plugin declares (also plugins running in other instances). */
  kinds (): ReadonlyMap<string, IngestKind>
  /** Whether events of `kind` are accepted for the tenant: its plugin is installed, running and enabled. */
  enabled (tenantId: string, kind: string): Promise<boolean>
  /**
   * Stores validated events in `trx` (a `withTenant(tenantId)` transaction the caller commits).
   * Returns, per event, true when stored and false when it is a duplicate (same device, same id
   * within the de-duplication window, or earlier in the same call).
   */
  store (trx: Transaction, tenantId: string, events: IngestEventInput[]): Promise<boolean[]>
  /**
   * Stores validated events in a transaction of their own, committed when it resolves (the
   * answer is as for `store`). The hot path for a group commit: on PostgreSQL the whole
   * transaction is one round trip.
   */
  commit (tenantId: string, events: IngestEventInput[]): Promise<boolean[]>
  /**
   * `commit` for several tenants at once, one entry per tenant: one transaction (on PostgreSQL one
   * round trip and one WAL flush) that stores all of it or nothing, each tenant's rows under its
   * own row-level-security scope. Answers per entry, in order, as `commit` does.
   */
  commitTenants (batches: IngestTenantEvents[]): Promise<boolean[][]>
  /** Registers the consumer of a kind this plugin declares in plugin.json `ingest`. */
  consume (kind: string, handler: IngestConsumer, options?: { batchSize?: number }): void
}
