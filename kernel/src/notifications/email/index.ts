import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Clock } from '../../clock/clock.ts'
import type { KernelConfig } from '../../config/config.ts'
import type { Jobs } from '../../jobs/service.ts'
import type { PluginRegistry } from '../../plugins/registry.ts'
import { defineEmailJobs, type EmailJobs } from './jobs.ts'
import { createMailer, type Mailer } from './mailer.ts'

export type { EmailJobs } from './jobs.ts'

/**
 * Notification email, when SMTP_URL is set: the mailer and its jobs. Null when it is not (one
 * info line says so), and then notifications stay in-app. `close` releases the SMTP transport.
 */
export function setUpEmail (deps: { config: KernelConfig, jobs: Jobs, owner: Knex, registry: PluginRegistry, clock: Clock, log: FastifyBaseLogger }): (EmailJobs & { mailer: Mailer, close (): void }) | null {
  const log = deps.log.child({ component: 'email' })
  const mailer = createMailer(deps.config, log)
  if (!mailer) return null
  if (!deps.config.publicUrl) log.warn('PUBLIC_URL is not set: links in notification emails point at http://localhost')
  const labels = () => new Map(deps.registry.records.flatMap(r => (r.manifest.notifications ?? []).map(n => [n.type, n.label] as const)))
  let known: ReturnType<typeof labels> | undefined
  const email = defineEmailJobs({
    jobs: deps.jobs,
    owner: deps.owner,
    mailer,
    baseUrl: deps.config.publicUrl ?? `http://localhost:${deps.config.port}`,
    // Plugins load after the jobs are defined: the labels are read on first use.
    typeLabel: type => (known ??= labels()).get(type),
    digestHour: deps.config.mailDigestHour,
    clock: deps.clock,
    log
  })
  return { ...email, mailer, close: () => mailer.close() }
}
