import type { FastifyBaseLogger } from 'fastify'
import type { Knex } from 'knex'
import type { Clock } from '../clock/clock.ts'
import type { Transaction } from '../db/database.ts'
import type { Jobs } from '../jobs/service.ts'
import { afterCommit } from '../db/after-commit.ts'
import type { Mailer } from '../notifications/email/mailer.ts'

export const MAIL_SEND_JOB = 'mail.send'
export const MAIL_SWEEP_JOB = 'mail.sweep'
const ATTEMPTS = 5
/** A queued row this old with no send job (a crash between commit and enqueue) is enqueued again. */
const STALE_MS = 5 * 60_000
/** Older queued rows are left alone and marked failed: a reply a day late is worse than none. */
const GIVE_UP_MS = 24 * 3_600_000

interface Row { id: string, recipient: string, reply_to: string | null, subject: string, text: string, message_id: string, in_reply_to: string | null, references: string | null, plugin_id: string }

/** The send job of `ctx.mail` (retried with backoff, marked failed after the last attempt) and its sweep. */
export function defineMailJobs (deps: { jobs: Jobs, owner: Knex, mailer: Mailer, clock: Clock, log: FastifyBaseLogger }) {
  const { jobs, owner, mailer, log } = deps
  jobs.declare({ id: 'kernel', jobs: [{ name: MAIL_SEND_JOB, scope: 'tenant' }, { name: MAIL_SWEEP_JOB, schedule: '*/5 * * * *', scope: 'platform' }] })
  const kernelJobs = jobs.forPlugin('kernel')
  const enqueue = (tenantId: string, id: string) => kernelJobs.enqueue(MAIL_SEND_JOB, { id }, { tenantId, dedupeKey: `mail:${id}` })

  kernelJobs.define<{ id: string }>(MAIL_SEND_JOB, async job => {
    const row: Row | undefined = await job.withTenant(trx => trx('outbound_mail').where({ id: job.payload.id, state: 'queued' }).first())
    if (!row) return
    const mark = (state: 'sent' | 'failed', error: string | null) => job.withTenant(trx => trx('outbound_mail').where({ id: row.id, state: 'queued' })
      .update({ state, last_error: error, ...(state === 'sent' ? { sent_at: deps.clock.now() } : {}) }))
    try {
      await mailer.send({
        to: row.recipient,
        subject: row.subject,
        text: row.text,
        messageId: row.message_id,
        ...(row.reply_to ? { replyTo: row.reply_to } : {}),
        ...(row.in_reply_to ? { inReplyTo: row.in_reply_to } : {}),
        ...(row.references ? { references: row.references } : {})
      })
      await mark('sent', null)
      job.log.info({ mail: row.id, plugin: row.plugin_id, messageId: row.message_id }, 'plugin mail sent')
    } catch (err) {
      if (job.attempt >= ATTEMPTS) {
        await mark('failed', String((err as Error).message).slice(0, 1000))
        job.log.error({ mail: row.id, plugin: row.plugin_id, attempts: job.attempt, err }, 'plugin mail failed for the last time; marked failed')
      }
      throw err
    }
  }, { concurrency: 4, maxAttempts: ATTEMPTS, backoff: { baseMs: 60_000, maxMs: 3_600_000 }, timeoutMs: 120_000 })

  kernelJobs.define(MAIL_SWEEP_JOB, async () => {
    const now = deps.clock.nowMs()
    const expired = await owner('outbound_mail').where({ state: 'queued' }).where('created_at', '<', new Date(now - GIVE_UP_MS))
      .update({ state: 'failed', last_error: 'not sent within a day' })
    if (expired > 0) log.error({ mails: expired }, 'plugin mail queued for over a day marked failed')
    const lost: Array<{ id: string, tenant_id: string }> = await owner('outbound_mail').where({ state: 'queued' })
      .whereBetween('created_at', [new Date(now - GIVE_UP_MS), new Date(now - STALE_MS)]).select('id', 'tenant_id').limit(1000)
    for (const r of lost) await enqueue(r.tenant_id, r.id)
    if (lost.length > 0) log.warn({ mails: lost.length }, 'queued plugin mail had no send job; enqueued again')
  }, { concurrency: 1, maxAttempts: 3, timeoutMs: 600_000 })

  return {
    /** Called in the storing transaction: the job is enqueued once it commits (the sweep covers a crash in between). */
    afterCommit (trx: Transaction, tenantId: string, id: string): void {
      afterCommit(trx, () => enqueue(tenantId, id).catch(err => log.warn({ err, tenantId, mail: id }, 'could not enqueue plugin mail; the sweep will')))
    }
  }
}
