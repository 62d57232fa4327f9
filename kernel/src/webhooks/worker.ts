import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { AuditService } from '../audit/audit.ts'
import type { SecretBox } from '../auth/oidc/secret-box.ts'
import { rowsOf } from '../db/database.ts'
import type { Outbound } from '../outbound/outbound.ts'
import type { AttemptRecord, DeliveryRow } from './deliveries.ts'
import { signingSecrets, type WebhookRow } from './endpoints.ts'
import { nextAttemptAt } from './schedule.ts'
import { sendOnce, type AttemptResult } from './send.ts'

/** The kernel's time where it decides what is due (a test can stand it still); timers stay real. */
export interface Now { now (): Date }

export interface WorkerOptions {
  id: string
  pollMs: number
  /** Attempts in flight at once in this instance. */
  concurrency: number
  /** A claim older than this belongs to a dead instance and is taken again. */
  leaseMs: number
}

/** Deliveries that failed for good in a row before the endpoint is switched off. */
export const AUTO_DISABLE_AFTER = 10
const LOG_ENTRIES = 20

const claimSql = `
  update tenant_webhook_deliveries d
     set locked_by = ?, locked_until = ?
    from (select tenant_id, id from tenant_webhook_deliveries
           where status = 'pending' and next_attempt_at <= ? and (locked_until is null or locked_until < ?)
           order by next_attempt_at
           limit ?
           for update skip locked) p
   where d.tenant_id = p.tenant_id and d.id = p.id
  returning d.*`

const claimSqlMssql = `
  with picked as (
    select top (:limit) * from tenant_webhook_deliveries with (updlock, readpast, rowlock)
     where status = 'pending' and next_attempt_at <= :now and (locked_until is null or locked_until < :now)
     order by next_attempt_at
  )
  update picked set locked_by = :worker, locked_until = :until
  output inserted.*`

/** Marks an endpoint's waiting deliveries failed (it was switched off); inside the caller's transaction. */
export async function failPending (trx: Knex | Knex.Transaction, tenantId: string, webhookId: string, reason: string, now: Date): Promise<void> {
  await trx('tenant_webhook_deliveries').where({ tenant_id: tenantId, webhook_id: webhookId, status: 'pending' })
    .update({ status: 'failed', error: reason, next_attempt_at: null, updated_at: now })
}

/**
 * Sends due deliveries: claims them across tenants on the owner connection (kernel
 * bookkeeping, like the job queue), POSTs each through the guarded outbound client, and records
 * the attempt on the row it holds. Every instance with a job worker runs one; SKIP LOCKED and the
 * lease keep them off each other's rows, and a crashed instance's claims are taken again.
 */
export function createDeliveryWorker (deps: { owner: Knex, outbound: Outbound, box: SecretBox, audit: AuditService, log: FastifyBaseLogger, clock: Now, options: WorkerOptions }) {
  const { owner, options, clock } = deps
  const log = deps.log.child({ component: 'webhooks' })
  const mssql = owner.client.dialect === 'mssql'
  const inFlight = new Set<Promise<void>>()
  let running = false
  let loopDone: Promise<void> = Promise.resolve()
  let wakeUp: (() => void) | null = null

  const notify = () => { wakeUp?.(); wakeUp = null }
  const sleep = (ms: number) => new Promise<void>(resolve => {
    const timer = setTimeout(() => { wakeUp = null; resolve() }, ms)
    timer.unref()
    wakeUp = () => { clearTimeout(timer); resolve() }
  })

  async function claim (limit: number): Promise<DeliveryRow[]> {
    const now = clock.now()
    const until = new Date(now.getTime() + options.leaseMs)
    if (mssql) return rowsOf<DeliveryRow>(await owner.raw(claimSqlMssql, { limit, now, worker: options.id, until }))
    return rowsOf<DeliveryRow>(await owner.raw(claimSql, [options.id, until, now, now, limit]))
  }

  /**
   * Writes the attempt onto the row this worker holds, and the endpoint's run of failures with it
   * (one transaction: a delivery never reads failed while its endpoint has not counted it). Null
   * when this worker no longer holds the row (redelivered meanwhile).
   */
  async function record (row: DeliveryRow, result: AttemptResult): Promise<'succeeded' | 'pending' | 'failed' | null> {
    const now = clock.now()
    const roundAttempts = Number(row.round_attempts) + 1
    const next = result.ok || !result.retry ? null : nextAttemptAt(roundAttempts, new Date(row.round_started_at), now)
    const status = result.ok ? 'succeeded' : next ? 'pending' : 'failed'
    const entry: AttemptRecord = { attempt: Number(row.attempts) + 1, at: now.toISOString(), responseCode: result.responseCode, durationMs: result.durationMs, error: result.error, response: result.response }
    const attemptLog = [...(JSON.parse(row.attempt_log) as AttemptRecord[]), entry].slice(-LOG_ENTRIES)
    return owner.transaction(async trx => {
      const updated = await trx('tenant_webhook_deliveries').where({ tenant_id: row.tenant_id, id: row.id, locked_by: options.id }).update({
        status, attempts: entry.attempt, round_attempts: roundAttempts, next_attempt_at: next, last_attempt_at: now,
        response_code: result.responseCode, duration_ms: result.durationMs, error: result.error?.slice(0, 500) ?? null,
        attempt_log: JSON.stringify(attemptLog), locked_by: null, locked_until: null, updated_at: now
      }, ['id'])
      if (updated.length === 0) return null
      const endpoint = trx('tenant_webhooks').where({ tenant_id: row.tenant_id, id: row.webhook_id })
      if (status === 'succeeded') await endpoint.where('consecutive_failures', '>', 0).update({ consecutive_failures: 0 })
      if (status === 'failed') await countFailure(trx, row, now)
      return status
    })
  }

  /** A delivery failed for good: one more in the endpoint's run; at AUTO_DISABLE_AFTER it is switched off. */
  async function countFailure (trx: Knex.Transaction, row: DeliveryRow, now: Date): Promise<void> {
    const [endpoint] = await trx('tenant_webhooks').where({ tenant_id: row.tenant_id, id: row.webhook_id })
      .increment('consecutive_failures', 1).returning(['consecutive_failures', 'enabled'])
    if (!endpoint || !endpoint.enabled || Number(endpoint.consecutive_failures) < AUTO_DISABLE_AFTER) return
    const reason = `switched off after ${AUTO_DISABLE_AFTER} deliveries in a row failed`
    await trx('tenant_webhooks').where({ tenant_id: row.tenant_id, id: row.webhook_id }).update({ enabled: false, disabled_reason: reason, updated_at: now })
    await failPending(trx, row.tenant_id, row.webhook_id, 'the endpoint was switched off', now)
    await deps.audit.record({ action: 'webhook.disabled', actor: 'system:webhooks', tenantId: row.tenant_id, target: `webhook:${row.webhook_id}`, details: { reason } }, trx)
    log.warn({ tenantId: row.tenant_id, webhookId: row.webhook_id }, 'a webhook endpoint was switched off after repeated failures')
  }

  async function attempt (row: DeliveryRow): Promise<void> {
    const endpoint: WebhookRow | undefined = await owner('tenant_webhooks').where({ tenant_id: row.tenant_id, id: row.webhook_id }).first()
    if (!endpoint) return // deleted with its deliveries a moment ago
    if (!endpoint.enabled) {
      await owner('tenant_webhook_deliveries').where({ tenant_id: row.tenant_id, id: row.id, locked_by: options.id })
        .update({ status: 'failed', error: 'the endpoint is switched off', next_attempt_at: null, locked_by: null, locked_until: null, updated_at: clock.now() })
      return
    }
    const result = await sendOnce(deps.outbound, endpoint.url, row.id, row.body, signingSecrets(endpoint, deps.box))
    const status = await record(row, result)
    log.debug({ tenantId: row.tenant_id, webhookId: row.webhook_id, deliveryId: row.id, status, responseCode: result.responseCode, durationMs: result.durationMs }, 'webhook attempt')
  }

  async function loop (): Promise<void> {
    while (running) {
      const free = options.concurrency - inFlight.size
      let claimed: DeliveryRow[] = []
      if (free > 0) {
        try {
          claimed = await claim(free)
        } catch (err) {
          log.error({ err }, 'claiming due webhook deliveries failed; trying again')
        }
      }
      for (const row of claimed) {
        const done: Promise<void> = attempt(row)
          .catch(err => log.error({ err, tenantId: row.tenant_id, deliveryId: row.id }, 'a webhook attempt could not be recorded; its lease will expire and it runs again'))
          .finally(() => { inFlight.delete(done); notify() })
        inFlight.add(done)
      }
      if (!running) break
      // A full claim may have left more due rows behind: look again at once.
      if (free === 0 || claimed.length < free) await sleep(options.pollMs)
    }
  }

  return {
    /** Look for due deliveries now (after a commit that queued some). */
    notify,
    start (): void {
      if (running) return
      running = true
      loopDone = loop()
    },
    /** Stops claiming and lets attempts in flight finish (each is bounded by the outbound deadline). */
    async stop (): Promise<void> {
      running = false
      notify()
      await loopDone
      await Promise.allSettled([...inFlight])
    }
  }
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>
