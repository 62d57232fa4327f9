import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import type {} from '@fastify/cookie'
import type { Clock } from '../clock/clock.ts'
import { readRefreshToken } from './cookies.ts'

export const REFRESH_COOKIE = '__Host-monozu_rt'

export interface SessionSubject {
  kind: 'user' | 'operator'
  id: string
  tenantId: string | null
  /** The account's session version the session began under; read from the account when absent. */
  version?: number
}

export interface SessionPolicy {
  idleSeconds: number
  absoluteSeconds: number
  raceGraceSeconds: number
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

/**
 * Opaque refresh tokens, stored hashed, rotated on every use, in families. Reuse of a rotated
 * token revokes its whole family, except within `raceGraceSeconds` of its rotation: that is two
 * tabs refreshing at once, so the later one gets 401 refresh_conflict and the family survives.
 */
export function createSessions (owner: Knex, audit: AuditService, policy: SessionPolicy, clock: Clock) {
  function setCookie (reply: FastifyReply, id: string, secret: string, expiresAt: Date): void {
    reply.setCookie(REFRESH_COOKIE, `${id}.${secret}`, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', expires: expiresAt })
  }

  function clearCookie (reply: FastifyReply): void {
    reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' })
  }

  async function insert (trx: Knex | Knex.Transaction, subject: SessionSubject, familyId: string, familyExpiresAt: Date) {
    const id = randomUUID()
    const secret = randomBytes(32).toString('base64url')
    const now = clock.nowMs()
    const expiresAt = new Date(Math.min(now + policy.idleSeconds * 1000, familyExpiresAt.getTime()))
    await trx('refresh_tokens').insert({
      id, family_id: familyId, secret_hash: sha256(secret), subject_kind: subject.kind, subject_id: subject.id,
      subject_tenant: subject.tenantId, subject_version: subject.version ?? 0, expires_at: expiresAt, family_expires_at: familyExpiresAt
    })
    return { id, secret, expiresAt }
  }

  function parse (request: FastifyRequest): { id: string, secret: string } {
    const token = readRefreshToken(request, REFRESH_COOKIE)
    if (!token) throw new ApiError('refresh_token_invalid', 'No valid session cookie; sign in again')
    return token
  }

  async function revokeFamily (familyId: string, trx: Knex | Knex.Transaction = owner): Promise<void> {
    await trx('refresh_tokens').where({ family_id: familyId }).whereNull('revoked_at').update({ revoked_at: clock.now() })
  }

  return {
    /** A new family after sign-in; the cookie goes on `reply`. */
    async begin (reply: FastifyReply, subject: SessionSubject): Promise<void> {
      if (subject.version === undefined) {
        const row = await owner(subject.kind === 'operator' ? 'operators' : 'users').where({ id: subject.id }).first('session_version')
        subject = { ...subject, version: Number(row?.session_version ?? 0) }
      }
      const familyExpiresAt = new Date(clock.nowMs() + policy.absoluteSeconds * 1000)
      const { id, secret, expiresAt } = await insert(owner, subject, randomUUID(), familyExpiresAt)
      setCookie(reply, id, secret, expiresAt)
    },

    /** Rotates the presented token and returns whose session it is. */
    async rotate (request: FastifyRequest, reply: FastifyReply): Promise<SessionSubject> {
      const { id, secret } = parse(request)
      type Failure = { error: 'refresh_token_invalid' | 'refresh_conflict' | 'refresh_token_reused', row?: Record<string, any> }
      type Success = { error?: undefined, subject: SessionSubject, next: { id: string, secret: string, expiresAt: Date } }
      const outcome = await owner.transaction(async (trx): Promise<Failure | Success> => {
        const row = await trx('refresh_tokens').where({ id }).forUpdate().first()
        const hash = Buffer.from(sha256(secret))
        if (!row || !timingSafeEqual(hash, Buffer.from(row.secret_hash))) return { error: 'refresh_token_invalid' as const }
        if (row.revoked_at) return { error: 'refresh_token_invalid' as const }
        if (row.used_at) {
          const since = clock.nowMs() - new Date(row.used_at).getTime()
          if (since <= policy.raceGraceSeconds * 1000) return { error: 'refresh_conflict' as const }
          await revokeFamily(row.family_id, trx)
          return { error: 'refresh_token_reused' as const, row }
        }
        if (new Date(row.expires_at).getTime() <= clock.nowMs()) return { error: 'refresh_token_invalid' as const }
        await trx('refresh_tokens').where({ id }).update({ used_at: clock.now() })
        const subject: SessionSubject = { kind: row.subject_kind, id: row.subject_id, tenantId: row.subject_tenant, version: Number(row.subject_version) }
        const next = await insert(trx, subject, row.family_id, new Date(row.family_expires_at))
        return { subject, next }
      })
      if (outcome.error !== undefined) {
        if (outcome.error === 'refresh_token_reused' && outcome.row) {
          await audit.record({ action: 'auth.refresh_reused', actor: `${outcome.row.subject_kind}:${outcome.row.subject_id}`, tenantId: outcome.row.subject_tenant, target: `session:${outcome.row.family_id}`, requestId: request.id, details: { ip: request.ip } })
        }
        // A racing tab must not wipe the cookie the winning tab just received.
        if (outcome.error !== 'refresh_conflict') clearCookie(reply)
        throw new ApiError(outcome.error)
      }
      setCookie(reply, outcome.next.id, outcome.next.secret, outcome.next.expiresAt)
      return outcome.subject
    },

    /** Ends the session of the presented cookie (its whole family) and clears the cookie. */
    async end (request: FastifyRequest, reply: FastifyReply): Promise<void> {
      clearCookie(reply)
      const token = readRefreshToken(request, REFRESH_COOKIE)
      if (!token) return
      const row = await owner('refresh_tokens').where({ id: token.id }).first()
      if (row && timingSafeEqual(Buffer.from(sha256(token.secret)), Buffer.from(row.secret_hash))) await revokeFamily(row.family_id)
    },

    revokeFamily,
    clearCookie,

    /** Revokes every session in a tenant (suspension). */
    async revokeTenant (tenantId: string): Promise<void> {
      await owner('refresh_tokens').where({ subject_tenant: tenantId }).whereNull('revoked_at').update({ revoked_at: clock.now() })
    },

    /**
     * Revokes every session of a subject (password, roles or status changed); returns how many
     * families were live. The subject's raised session version already refuses them, even a
     * refresh racing this update; marking them keeps the table truthful and counts them for the audit.
     */
    async revokeSubject (subjectId: string): Promise<number> {
      const live = await owner('refresh_tokens').where({ subject_id: subjectId }).whereNull('revoked_at').where('family_expires_at', '>', clock.now()).countDistinct('family_id as n').first()
      await owner('refresh_tokens').where({ subject_id: subjectId }).whereNull('revoked_at').update({ revoked_at: clock.now() })
      return Number(live?.n ?? 0)
    }
  }
}

export type Sessions = ReturnType<typeof createSessions>
