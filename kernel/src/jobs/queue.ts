import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { rowsOf } from '../db/database.ts'
import { systemClock, type Clock } from '../clock/clock.ts'

export type JobState = 'pending' | 'running' | 'succeeded' | 'dead' | 'cancelled'

export interface JobRow {
  id: string
  plugin: string
  name: string
  tenant: string | null
  payload: string
  state: JobState
  attempts: number
  max_attempts: number
  run_at: Date
  lease_until: Date | null
  locked_by: string | null
  last_error: string | null
  dedupe_key: string | null
  created_at: Date
  finished_at: Date | null
}

export interface NewJob {
  plugin: string
  name: string
  tenant: string | null
  payload: unknown
  maxAttempts: number
  runAt?: Date
  dedupeKey?: string
}

const NIL = '00000000-0000-0000-0000-000000000000'

/**
 * The claim, PostgreSQL form. Due jobs are picked per job name with that name's free slots
 * (so per-name concurrency holds), each pick walking the pending index in run_at order; jobs
 * whose lease expired are picked separately. Concurrent workers skip each other's locked rows.
 * "Now" is the kernel clock's, bound as a parameter, so a test's manual clock decides due-ness.
 */
export const claimSql = `
  with wanted as (
    select split_part(w.job, ':', 1) as plugin, split_part(w.job, ':', 2) as name, w.slots
      from unnest(?::text[], ?::int[]) as w(job, slots)
  ),
  due as (
    select d.id from wanted w cross join lateral (
      select id from jobs
       where state = 'pending' and plugin = w.plugin and name = w.name and run_at <= ?::timestamptz
       order by run_at
       limit w.slots
       for update skip locked
    ) d
  ),
  expired as (
    select id from jobs
     where state = 'running' and lease_until < ?::timestamptz and (plugin || ':' || name) = any(?::text[])
     order by lease_until
     limit ?
     for update skip locked
  ),
  picked as (select id from due union select id from expired)
  update jobs j
     set state = 'running', attempts = j.attempts + 1, locked_by = ?,
         lease_until = ?::timestamptz + (? * interval '1 millisecond')
    from picked where j.id = picked.id
  returning j.*`

/** The same claim on SQL Server: UPDLOCK + READPAST is its SKIP LOCKED (knex named bindings). */
export const claimSqlMssql = `
  with picked as (
    select top (:limit) * from jobs with (updlock, readpast, rowlock)
     where ((state = 'pending' and run_at <= :now) or (state = 'running' and lease_until < :now))
       and concat(plugin, ':', name) in (select value from string_split(:names, ','))
     order by run_at
  )
  update picked set state = 'running', attempts = attempts + 1, locked_by = :worker,
         lease_until = dateadd(millisecond, :leaseMs, :now)
  output inserted.*`

/** The durable queue: every state change is one guarded UPDATE on the owner connection; times come from `clock`. */
export function createJobQueue (owner: Knex, clock: Clock = systemClock) {
  const rows = (result: unknown) => rowsOf<JobRow>(result)
  const mssql = owner.client.dialect === 'mssql'
  const isUnique = (err: unknown) => [2601, 2627].includes((err as { number?: number }).number ?? 0)

  return {
    async enqueue (job: NewJob, trx: Knex | Knex.Transaction = owner): Promise<{ id: string, deduplicated: boolean }> {
      const row = {
        id: randomUUID(), plugin: job.plugin, name: job.name, tenant: job.tenant, payload: JSON.stringify(job.payload ?? null),
        state: 'pending', attempts: 0, max_attempts: job.maxAttempts, run_at: job.runAt ?? clock.now(), dedupe_key: job.dedupeKey ?? null
      }
      if (!job.dedupeKey || mssql) {
        try {
          await trx('jobs').insert(row)
          return { id: row.id, deduplicated: false }
        } catch (err) {
          if (!job.dedupeKey || !isUnique(err)) throw err
        }
      }
      const inserted = mssql ? [] : rows(await trx.raw(
        `insert into jobs (id, plugin, name, tenant, payload, state, attempts, max_attempts, run_at, dedupe_key)
         values (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
         on conflict (plugin, name, coalesce(tenant, '${NIL}'::uuid), dedupe_key) where state = 'pending' and dedupe_key is not null
         do nothing returning id`,
        [row.id, row.plugin, row.name, row.tenant, row.payload, row.max_attempts, row.run_at, row.dedupe_key]))
      if (inserted.length > 0) return { id: row.id, deduplicated: false }
      const existing = await trx('jobs').where({ plugin: job.plugin, name: job.name, dedupe_key: job.dedupeKey, state: 'pending' })
        .modify(q => (job.tenant ? q.where({ tenant: job.tenant }) : q.whereNull('tenant'))).first('id')
      return { id: existing?.id ?? row.id, deduplicated: true }
    },

    /** Claims up to `slots[name]` due jobs of each name (and expired leases, up to the total). */
    async claim (worker: string, slots: Map<string, number>, leaseMs: number): Promise<JobRow[]> {
      const names = [...slots.keys()]
      const limit = [...slots.values()].reduce((a, b) => a + b, 0)
      if (names.length === 0 || limit <= 0) return []
      const now = clock.now()
      if (mssql) return rows(await owner.raw(claimSqlMssql, { limit, now, names: names.join(','), worker, leaseMs }))
      return rows(await owner.raw(claimSql, [names, [...slots.values()], now, now, names, limit, worker, now, leaseMs]))
    },

    async extend (worker: string, ids: string[], leaseMs: number): Promise<void> {
      if (ids.length === 0) return
      await owner('jobs').whereIn('id', ids).where({ locked_by: worker, state: 'running' })
        .update({ lease_until: new Date(clock.nowMs() + leaseMs) })
    },

    /** Marks finished jobs done in one statement; a job whose lease another worker took is left alone. */
    async complete (worker: string, ids: string[]): Promise<void> {
      if (ids.length === 0) return
      await owner('jobs').whereIn('id', ids).where({ locked_by: worker, state: 'running' })
        .update({ state: 'succeeded', lease_until: null, finished_at: clock.now(), last_error: null })
    },

    /** A failed attempt: retry at `retryAt`, or dead (with its last error) when null. */
    async fail (worker: string, id: string, error: string, retryAt: Date | null): Promise<void> {
      await owner('jobs').where({ id, locked_by: worker, state: 'running' }).update(retryAt
        ? { state: 'pending', run_at: retryAt, lease_until: null, locked_by: null, last_error: error }
        : { state: 'dead', lease_until: null, finished_at: clock.now(), last_error: error })
    },

    /** Back to pending without counting the attempt (shutdown, or the tenant's feature is off). */
    async release (worker: string, ids: string[], runAt: Date = clock.now()): Promise<void> {
      if (ids.length === 0) return
      await owner('jobs').whereIn('id', ids).where({ locked_by: worker, state: 'running' })
        .update({ state: 'pending', run_at: runAt, lease_until: null, locked_by: null, attempts: owner.raw('attempts - 1') })
    },

    /** The job as the retry left it (a worker may claim it a moment later), or undefined if it was not dead or cancelled. */
    async retry (id: string): Promise<JobRow | undefined> {
      return rows(await owner('jobs').where({ id }).whereIn('state', ['dead', 'cancelled'])
        .update({ state: 'pending', attempts: 0, run_at: clock.now(), finished_at: null, locked_by: null }, '*'))[0]
    },

    /** The cancelled job, or undefined if it was not pending. */
    async cancel (id: string): Promise<JobRow | undefined> {
      return rows(await owner('jobs').where({ id, state: 'pending' }).update({ state: 'cancelled', finished_at: clock.now() }, '*'))[0]
    }
  }
}

export type JobQueue = ReturnType<typeof createJobQueue>
