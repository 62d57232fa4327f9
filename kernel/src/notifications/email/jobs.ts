import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Clock } from '../../clock/clock.ts'
import type { Transaction } from '../../db/database.ts'
import type { Jobs } from '../../jobs/service.ts'
import type { JobRun } from '../../jobs/types.ts'
import type { LocalText } from '../../plugins/manifest.ts'
import type { NotificationSeverity } from '../types.ts'
import type { Mailer } from './mailer.ts'
import { afterCommit } from '../../db/after-commit.ts'
import { renderDigest, renderNotification, type Language, type MailItem } from './templates.ts'

export const SEND_JOB = 'notifications.email'
export const DIGEST_JOB = 'notifications.digest'
export const DIGEST_TENANT_JOB = 'notifications.digest-tenant'
export const SWEEP_JOB = 'notifications.email-sweep'
/** Attempts per email; the backoff doubles from a minute, so the last is about 15 minutes after the first. */
export const SEND_ATTEMPTS = 5
/** A queued email older than this with no job waiting is enqueued again by the sweep. */
const STALE_MS = 10 * 60_000
/** Older queued rows are left alone: mail a day late is noise (and SMTP may only just have been set up). */
const SWEEP_WINDOW_MS = 24 * 3600_000

interface Row {
  id: string
  user_id: string
  type: string
  severity: NotificationSeverity
  title: LocalText | string
  body: LocalText | string
  link: string | null
  created_at: Date | string
  email: string
  language: string | null
  disabled: boolean | number
}

export interface EmailDeps {
  jobs: Jobs
  owner: Knex
  mailer: Mailer
  /** PUBLIC_URL (or the local address): links and the preferences page are under it. */
  baseUrl: string
  /** A declared notification type's label (plugin.json `notifications`), if any plugin declares it. */
  typeLabel: (type: string) => LocalText | undefined
  digestHour: number
  /** The kernel's clock: the sweep's "older than" reads it. */
  clock: Clock
  log: FastifyBaseLogger
}

const languageOf = (row: Pick<Row, 'language'>): Language => (row.language === 'pl' ? 'pl' : 'en')
// jsonb arrives parsed on PostgreSQL and PGlite, as text elsewhere.
const localText = (v: LocalText | string): LocalText => (typeof v === 'string' ? JSON.parse(v) as LocalText : v)
const pick = (t: LocalText | undefined, lang: Language): string | undefined => t?.[lang] ?? t?.en

function selectRows (trx: Transaction) {
  return trx('notifications as n')
    .join('users as u', function () { this.on('u.tenant_id', 'n.tenant_id').andOn('u.id', 'n.user_id') })
    .select('n.id', 'n.user_id', 'n.type', 'n.severity', 'n.title', 'n.body', 'n.link', 'n.created_at', 'u.email', 'u.language', 'u.disabled')
}

/** Why SMTP refused, for the log: nodemailer's code, the server's reply and the command; never the URL. */
function smtpError (err: unknown): Record<string, unknown> {
  const e = err as { message?: string, code?: string, responseCode?: number, response?: string, command?: string }
  return { message: String(e?.message ?? err).slice(0, 500), code: e?.code, responseCode: e?.responseCode, response: e?.response?.slice(0, 500), command: e?.command }
}

/**
 * The email jobs of the kernel: one send per queued notification (tenant-scoped, retried with
 * backoff, 'failed' after the last attempt), the daily digest (a platform tick that fans out to
 * one job per tenant with digest rows), and a sweep that re-enqueues queued rows whose job was
 * lost between the notification's commit and its enqueue (a crash in between).
 */
export function defineEmailJobs (deps: EmailDeps) {
  const { jobs, owner, mailer, baseUrl, log } = deps
  jobs.declare({
    id: 'kernel',
    jobs: [
      { name: SEND_JOB, scope: 'tenant' },
      { name: DIGEST_JOB, schedule: `0 ${deps.digestHour} * * *`, scope: 'platform' },
      { name: DIGEST_TENANT_JOB, scope: 'tenant' },
      { name: SWEEP_JOB, schedule: '*/5 * * * *', scope: 'platform' }
    ]
  })
  const kernelJobs = jobs.forPlugin('kernel')

  const item = (row: Row, lang: Language): MailItem => ({
    type: row.type,
    typeLabel: pick(deps.typeLabel(row.type), lang) ?? row.type,
    severity: row.severity,
    title: pick(localText(row.title), lang) ?? '',
    body: pick(localText(row.body), lang) ?? '',
    link: row.link,
    createdAt: new Date(row.created_at)
  })

  /** Sets the email state of `ids` that are still in `from`; returns how many changed. */
  const mark = (trx: Transaction, ids: string[], from: string, to: 'sent' | 'failed' | 'none') =>
    trx('notifications').whereIn('id', ids).where({ email_state: from })
      .update({ email_state: to, ...(to === 'sent' ? { emailed_at: trx.fn.now() } : {}) })

  kernelJobs.define<{ id: string }>(SEND_JOB, async job => {
    const row: Row | undefined = await job.withTenant(trx => selectRows(trx).where('n.id', job.payload.id).where('n.email_state', 'queued').first())
    // Gone, already sent, failed or withdrawn: a second run sends nothing.
    if (!row) return
    if (row.disabled) {
      await job.withTenant(trx => mark(trx, [row.id], 'queued', 'none'))
      job.log.info({ notification: row.id, userId: row.user_id }, 'notification email not sent: the recipient is disabled')
      return
    }
    const lang = languageOf(row)
    const mail = renderNotification(item(row, lang), lang, baseUrl)
    await sendOrGiveUp(job, [row.id], 'queued', row.user_id, () => mailer.send({ to: row.email, ...mail }))
  }, { concurrency: 8, maxAttempts: SEND_ATTEMPTS, backoff: { baseMs: 60_000, maxMs: 3_600_000 }, timeoutMs: 120_000 })

  /** Sends; on success marks `ids` sent, on the last failed attempt marks them failed with an error log, and rethrows. */
  async function sendOrGiveUp (job: JobRun, ids: string[], from: string, userId: string, send: () => Promise<{ messageId: string }>) {
    try {
      const { messageId } = await send()
      await job.withTenant(trx => mark(trx, ids, from, 'sent'))
      job.log.debug({ notifications: ids.length, userId, messageId }, 'notification email sent')
    } catch (err) {
      if (job.attempt >= SEND_ATTEMPTS) {
        await job.withTenant(trx => mark(trx, ids, from, 'failed'))
        job.log.error({ tenantId: job.tenantId, userId, notifications: ids, attempts: job.attempt, smtp: smtpError(err) }, 'notification email failed for the last time; marked failed')
      }
      throw err
    }
  }

  kernelJobs.define<{ tick?: string }>(DIGEST_JOB, async job => {
    const tenants: Array<{ tenant_id: string }> = await owner('notifications').where({ email_state: 'digest' }).distinct('tenant_id')
    for (const { tenant_id: tenantId } of tenants) {
      await kernelJobs.enqueue(DIGEST_TENANT_JOB, {}, { tenantId, dedupeKey: `digest:${job.payload?.tick ?? 'now'}` })
    }
    log.info({ tenants: tenants.length }, 'daily notification digest enqueued')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 600_000 })

  kernelJobs.define(DIGEST_TENANT_JOB, async job => {
    const rows: Row[] = await job.withTenant(trx => selectRows(trx).where('n.email_state', 'digest').orderBy('n.created_at'))
    const byUser = new Map<string, Row[]>()
    for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row])
    let failed: unknown
    for (const [userId, list] of byUser) {
      const ids = list.map(r => r.id)
      const first = list[0]!
      if (first.disabled) {
        await job.withTenant(trx => mark(trx, ids, 'digest', 'none'))
        continue
      }
      const lang = languageOf(first)
      const mail = renderDigest(list.map(r => item(r, lang)), lang, baseUrl)
      // One user's refusal does not hold back the others; the retry sends only what is left.
      await sendOrGiveUp(job, ids, 'digest', userId, () => mailer.send({ to: first.email, ...mail })).catch(err => { failed = err })
    }
    if (failed) throw failed
    job.log.info({ users: byUser.size, notifications: rows.length }, 'notification digests sent')
  }, { concurrency: 2, maxAttempts: SEND_ATTEMPTS, backoff: { baseMs: 60_000, maxMs: 3_600_000 }, timeoutMs: 1_800_000 })

  kernelJobs.define(SWEEP_JOB, async () => {
    const stale: Array<{ id: string, tenant_id: string }> = await owner('notifications')
      .where({ email_state: 'queued' }).whereBetween('created_at', [new Date(deps.clock.nowMs() - SWEEP_WINDOW_MS), new Date(deps.clock.nowMs() - STALE_MS)])
      .limit(1000).select('id', 'tenant_id')
    if (stale.length === 0) return
    const pending = new Set((await owner('jobs').where({ plugin: 'kernel', name: SEND_JOB }).whereIn('state', ['pending', 'running'])
      .whereIn('dedupe_key', stale.map(s => s.id)).select('dedupe_key')).map((j: { dedupe_key: string }) => j.dedupe_key))
    const lost = stale.filter(s => !pending.has(s.id))
    for (const s of lost) await enqueue(s.tenant_id, [s.id])
    if (lost.length > 0) log.warn({ notifications: lost.length }, 'queued notification emails had no send job; enqueued them again')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 600_000 })

  async function enqueue (tenantId: string, ids: string[]): Promise<void> {
    for (const id of ids) await kernelJobs.enqueue(SEND_JOB, { id }, { tenantId, dedupeKey: id })
  }

  return {
    /**
     * The notifications service's email hook (its `setEmailQueue`), called in the transaction
     * that stored rows with email_state 'queued'. The job queue is outside the tenant's row-level
     * security, so the jobs are enqueued once that transaction commits (a job for a row that was
     * rolled back finds nothing and ends); a crash in between leaves the rows queued, and the
     * sweep enqueues them within ten minutes.
     */
    async queued (trx: Transaction, ids: string[], context: { tenantId: string }): Promise<void> {
      if (ids.length === 0) return
      afterCommit(trx, () => enqueue(context.tenantId, ids).catch(err => log.warn({ err, tenantId: context.tenantId, notifications: ids.length }, 'could not enqueue notification emails; the sweep will')))
    },
    /** Enqueues the sends of stored, committed 'queued' rows now. */
    enqueue
  }
}

export type EmailJobs = ReturnType<typeof defineEmailJobs>
