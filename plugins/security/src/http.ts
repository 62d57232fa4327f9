import type { FastifyRequest } from 'fastify'
import { ApiError } from '@monozu/kernel'

export const notFound = (what: string, id: string) => new ApiError('not_found', `No ${what} ${id}`)
export const tenantOf = (request: FastifyRequest): string => request.auth!.tenant!.id
export const actorOf = (request: FastifyRequest): string => request.auth!.name || request.auth!.email || request.auth!.userId
export const uuidParam = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } } as const
export const json = <T = unknown>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
export const iso = (v: Date | string | null | undefined): string | null => (v == null ? null : (v instanceof Date ? v : new Date(v)).toISOString())
export const num = (v: unknown): number | null => (v == null ? null : Number(v))

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type AlertSeverity = typeof SEVERITIES[number]

/** Text that PostgreSQL can store: no NUL characters (a 400, not a 500). */
export const NO_NUL = '^[^\\u0000]*$'
