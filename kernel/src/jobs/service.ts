import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import { StartupError } from '../errors/errors.ts'
import { isUuid, type Database } from '../db/database.ts'
import type { Features } from '../licensing/features.ts'
import type { Clock } from '../clock/clock.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import { createJobQueue } from './queue.ts'
import { createTicker, lastTick } from './schedules.ts'
import type { JobDefinition, PluginJobs, ScheduleDeclaration } from './types.ts'
import { createWorker } from './worker.ts'

export interface JobsConfig {
  leaseMs: number
  pollMs: number
  concurrency: number
  shutdownMs: number
  /** Run a worker and the scheduler in this instance (an ingest-only deployment may not). */
  worker: boolean
}

type Declared = Pick<PluginManifest, 'id' | 'jobs'>

/** Jobs for the kernel and its plugins: one durable queue, one worker and one scheduler per instance. */
export function createJobs (deps: { owner: Knex, db: Database, features: Features, log: FastifyBaseLogger, clock: Clock, config: JobsConfig }) {
  const log = deps.log.child({ component: 'jobs' })
  const queue = createJobQueue(deps.owner, deps.clock)
  const declared = new Map<string, { scope: 'tenant' | 'platform' }>()
  const definitions = new Map<string, JobDefinition>()
  const schedules: ScheduleDeclaration[] = []
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`

  const worker = createWorker({
    queue,
    db: deps.db,
    definitions,
    allowed: async row => row.tenant === null || row.plugin === 'kernel' || deps.features.isEnabled(row.tenant, row.plugin),
    log,
    clock: deps.clock,
    options: { id: workerId, ...deps.config }
  })
  const ticker = createTicker({
    owner: deps.owner,
    queue,
    schedules,
    definitions,
    tenantsFor: async plugin => {
      const tenants: Array<{ id: string }> = await deps.owner('tenants').where({ status: 'active' }).select('id')
      const enabled = await Promise.all(tenants.map(t => deps.features.isEnabled(t.id, plugin)))
      return tenants.filter((_, i) => enabled[i]).map(t => t.id)
    },
    clock: deps.clock,
    log
  })

  return {
    queue,
    workerId,

    /** Records the jobs a manifest declares; a bad cron expression is a start-up error. */
    declare (owner: Declared): void {
      for (const job of owner.jobs ?? []) {
        declared.set(`${owner.id}:${job.name}`, { scope: job.scope ?? 'tenant' })
        if (!job.schedule) continue
        try { lastTick(job.schedule, new Date()) } catch (err) {
          throw new StartupError('manifest_invalid', `plugin "${owner.id}": /jobs job "${job.name}" schedule "${job.schedule}" is not a cron expression (${(err as Error).message})`, { pluginId: owner.id })
        }
        schedules.push({ plugin: owner.id, name: job.name, schedule: job.schedule, scope: job.scope ?? 'tenant' })
      }
    },

    /** `ctx.jobs` of one plugin: only its declared jobs. */
    forPlugin (plugin: string): PluginJobs {
      const check = (name: string) => {
        if (!declared.has(`${plugin}:${name}`)) throw new Error(`plugin "${plugin}" has no job "${name}" declared in plugin.json jobs`)
      }
      return {
        define (name, handler, options = {}) {
          check(name)
          const key = `${plugin}:${name}`
          if (definitions.has(key)) throw new Error(`job "${name}" of plugin "${plugin}" is defined twice`)
          if (typeof handler !== 'function') throw new TypeError(`job "${name}": the handler must be a function`)
          definitions.set(key, {
            plugin,
            name,
            handler: handler as JobDefinition['handler'],
            concurrency: options.concurrency ?? 4,
            maxAttempts: options.maxAttempts ?? 5,
            backoff: { baseMs: options.backoff?.baseMs ?? 1000, maxMs: options.backoff?.maxMs ?? 3_600_000 },
            timeoutMs: options.timeoutMs ?? 60_000
          })
        },
        async enqueue (name, payload, options = {}) {
          check(name)
          const tenant = options.tenantId ?? null
          if (tenant !== null && !isUuid(tenant)) throw new TypeError(`enqueue("${name}"): tenantId must be a uuid`)
          if (declared.get(`${plugin}:${name}`)?.scope === 'tenant' && tenant === null) throw new TypeError(`enqueue("${name}"): this job is tenant-scoped; pass { tenantId }`)
          const result = await queue.enqueue({
            plugin, name, tenant, payload, maxAttempts: definitions.get(`${plugin}:${name}`)?.maxAttempts ?? 5,
            ...(options.runAt ? { runAt: options.runAt } : {}), ...(options.dedupeKey ? { dedupeKey: options.dedupeKey } : {})
          })
          worker.notify()
          return result
        }
      }
    },

    /**
     * Fires the schedule ticks that are due and claims due jobs now; resolves once the claim has
     * started what it took. The test kit calls it after advancing a manual clock.
     */
    async poll (): Promise<void> {
      if (!deps.config.worker) return
      await ticker.round()
      await worker.poll()
    },

    start (): void {
      for (const s of schedules) {
        if (!definitions.has(`${s.plugin}:${s.name}`)) log.warn({ plugin: s.plugin, job: s.name }, 'a scheduled job has no handler; its ticks are skipped')
      }
      if (!deps.config.worker) return
      worker.start()
      ticker.start()
    },

    async stop (): Promise<void> {
      await ticker.stop()
      await worker.stop()
    }
  }
}

export type Jobs = ReturnType<typeof createJobs>
