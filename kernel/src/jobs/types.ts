import type { FastifyBaseLogger } from 'fastify'
import type { Transaction } from '../db/database.ts'

/** What a job handler receives. */
export interface JobRun<Payload = unknown> {
  id: string
  name: string
  payload: Payload
  /** The job's tenant; null for platform jobs. */
  tenantId: string | null
  /** 1 on the first attempt. */
  attempt: number
  /** Aborted when the job exceeds `timeoutMs` or the instance shuts down. */
  signal: AbortSignal
  log: FastifyBaseLogger
  /**
   * `db.withTenant` bound to the job's tenant: a tenant job reaches data only inside its tenant.
   * Keep each transaction short; the handler itself may run long. Throws for platform jobs.
   */
  withTenant<T> (fn: (trx: Transaction) => Promise<T>): Promise<T>
}

export type JobHandler<Payload = unknown> = (job: JobRun<Payload>) => Promise<void> | void

export interface JobOptions {
  /** Jobs of this name running at once on one instance (default 4). */
  concurrency?: number
  /** Attempts before the job is dead (default 5). */
  maxAttempts?: number
  /** Exponential backoff between attempts: baseMs * 2^(attempt-1), capped at maxMs, ±10% jitter. */
  backoff?: { baseMs?: number, maxMs?: number }
  /** An attempt running longer fails with a timeout (default 60 s). */
  timeoutMs?: number
}

export interface EnqueueOptions {
  tenantId?: string | null
  runAt?: Date
  /** While a job with this key is pending, enqueueing the same key returns that job. */
  dedupeKey?: string
}

/** `ctx.jobs`: only jobs declared in plugin.json `jobs` can be defined or enqueued. */
export interface PluginJobs {
  define<P = unknown> (name: string, handler: JobHandler<P>, options?: JobOptions): void
  enqueue (name: string, payload?: unknown, options?: EnqueueOptions): Promise<{ id: string, deduplicated: boolean }>
}

export interface JobDefinition {
  plugin: string
  name: string
  handler: JobHandler
  concurrency: number
  maxAttempts: number
  backoff: { baseMs: number, maxMs: number }
  timeoutMs: number
}

export interface ScheduleDeclaration {
  plugin: string
  name: string
  schedule: string
  scope: 'tenant' | 'platform'
}
