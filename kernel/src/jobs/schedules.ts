import { CronExpressionParser } from 'cron-parser'
import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Clock } from '../clock/clock.ts'
import type { JobQueue } from './queue.ts'
import type { JobDefinition, ScheduleDeclaration } from './types.ts'

/** The most recent tick of `expression` at or before `now` (UTC). Throws on a bad expression. */
export function lastTick (expression: string, now: Date): Date {
  return CronExpressionParser.parse(expression, { currentDate: new Date(now.getTime() + 1), tz: 'UTC' }).prev().toDate()
}

/**
 * Every instance looks at the schedules each second; the first to insert a tick's row in
 * job_schedule_ticks enqueues that tick's jobs, in the same transaction, so a tick enqueues
 * exactly once however many instances run. After downtime the last missed tick runs once.
 */
export function createTicker (deps: {
  owner: Knex
  queue: JobQueue
  schedules: ScheduleDeclaration[]
  definitions: Map<string, JobDefinition>
  /** The tenants a plugin's tenant-scoped schedule runs for (active, plugin enabled). */
  tenantsFor: (plugin: string) => Promise<string[]>
  clock: Clock
  log: FastifyBaseLogger
}) {
  const seen = new Map<string, number>()
  let stopTimer: (() => void) | undefined
  let ticking: Promise<void> = Promise.resolve()
  let rounds = 0

  async function fire (s: ScheduleDeclaration, tick: Date): Promise<void> {
    const key = `${s.plugin}:${s.name}`
    const def = deps.definitions.get(key)
    if (!def) return
    const tenants = s.scope === 'tenant' ? await deps.tenantsFor(s.plugin) : [null]
    const enqueued = await deps.owner.transaction(async trx => {
      const won = await trx('job_schedule_ticks').insert({ schedule: key, tick_at: tick }).onConflict(['schedule', 'tick_at']).ignore().returning('schedule')
      if (won.length === 0) return 0
      for (const tenant of tenants) {
        await deps.queue.enqueue({ plugin: s.plugin, name: s.name, tenant, payload: { tick: tick.toISOString() }, maxAttempts: def.maxAttempts }, trx)
      }
      return tenants.length
    })
    if (enqueued > 0) deps.log.debug({ schedule: key, tick, jobs: enqueued }, 'schedule tick enqueued')
  }

  async function round (): Promise<void> {
    const now = deps.clock.now()
    for (const s of deps.schedules) {
      const key = `${s.plugin}:${s.name}`
      const tick = lastTick(s.schedule, now)
      if ((seen.get(key) ?? 0) >= tick.getTime()) continue
      try {
        await fire(s, tick)
        seen.set(key, tick.getTime())
      } catch (err) {
        deps.log.error({ err, schedule: key }, 'schedule tick failed; will try again')
      }
    }
    if (++rounds % 3600 === 0) {
      await deps.owner('job_schedule_ticks').where('tick_at', '<', new Date(deps.clock.nowMs() - 2 * 86400_000)).del()
        .catch(err => deps.log.warn({ err }, 'could not prune old schedule ticks'))
    }
  }

  return {
    start (): void {
      if (stopTimer || deps.schedules.length === 0) return
      stopTimer = deps.clock.every(1000, () => (ticking = ticking.then(round)))
      ticking = ticking.then(round)
    },
    /** One look at the schedules now, after any in progress (when started). */
    round (): Promise<void> {
      if (!stopTimer) return ticking
      ticking = ticking.then(round)
      return ticking
    },
    async stop (): Promise<void> {
      stopTimer?.()
      stopTimer = undefined
      await ticking
    }
  }
}
