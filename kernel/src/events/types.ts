import type { Transaction } from '../db/database.ts'

/** One domain event as a subscriber receives it. */
export interface DomainEvent<Payload = unknown> {
  /** uuid; the same on every delivery attempt, so a handler can deduplicate side effects. */
  id: string
  /** `<pluginId>.<name>`, declared in the publisher's plugin.json `events.publishes`. */
  type: string
  tenantId: string
  /** What the event is about (a device id, a CI id); events of one subject arrive in publish order. */
  subject: string | null
  payload: Payload
  /** When the publishing transaction wrote it. */
  occurredAt: Date
  /** 1 on the first delivery to this handler. */
  attempt: number
}

/**
 * Runs inside the event's tenant scope: `trx` is a tenant transaction, and the delivery is
 * acknowledged in it, so a handler that only writes through `trx` sees each event once in effect.
 * Throwing rolls both back; the event is retried with backoff and dead-lettered after maxAttempts.
 */
export type EventHandler<Payload = unknown> = (event: DomainEvent<Payload>, trx: Transaction) => Promise<void> | void

/**
 * A handler that takes its deliveries a batch at a time (up to 200, in publish order, all of one
 * tenant), in one tenant transaction with their acknowledgement: for subscribers that write in
 * bulk. When it throws, the batch is split until the failing event is found, and only that one is
 * charged an attempt.
 */
export type EventBatchHandler<Payload = unknown> = (events: Array<DomainEvent<Payload>>, trx: Transaction) => Promise<void> | void

export interface PublishOptions {
  /** Orders delivery: events with the same subject reach each handler one at a time, in publish order. */
  subject?: string
}

/** `ctx.events`: publish the types declared in plugin.json `events.publishes`; handle those in `events.subscribes`. */
export interface PluginEvents {
  /**
   * Writes the event into the outbox inside `trx` (a tenant transaction from `db.withTenant`): it
   * commits or rolls back with the change that caused it. The payload is validated against the
   * declared schema (a TypeError naming the field when it does not match).
   */
  publish<P = unknown> (trx: Transaction, type: string, payload: P, options?: PublishOptions): Promise<{ id: string }>
  /**
   * Publishes events of one type in one statement, in array order (so in that order per subject):
   * for bulk changes (an import, a batch from an appliance). Every item is checked before any is
   * written; an error names the item's index.
   */
  publishMany<P = unknown> (trx: Transaction, type: string, items: ReadonlyArray<{ payload: P, subject?: string }>): Promise<{ ids: string[] }>
  /** Registers the handler named in plugin.json `events.subscribes[].handler`; call it in `start`. */
  handle<P = unknown> (handler: string, fn: EventHandler<P>): void
  /** Registers the declared handler `handler` as a batch handler: one call per batch of deliveries. */
  handleBatch<P = unknown> (handler: string, fn: EventBatchHandler<P>): void
}
