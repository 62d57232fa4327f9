import type { FastifyRequest } from 'fastify'
import { ApiError } from '@monozu/kernel'
import manifest from '../plugin.json' with { type: 'json' }

export const ItsmError = ApiError.for(manifest)

export const notFound = (what: string, id: string) => new ApiError('not_found', `No ${what} ${id}`)
export const forbidden = (detail: string) => new ApiError('forbidden', detail)
export function invalid (pointer: string, message: string, rule = 'value'): ApiError {
  return new ApiError('validation_failed', `body${pointer}: ${message}`, { extra: { errors: [{ in: 'body', pointer, message, rule }] } })
}

export const tenantOf = (request: FastifyRequest): string => request.auth!.tenant!.id

/** Who acts: agents (itsm.agent) work every ticket; everyone else is a requester scoped to their own. */
export interface Actor { id: string, name: string, email: string, agent: boolean, admin: boolean }
export function actorOf (request: FastifyRequest): Actor {
  const a = request.auth!
  return { id: a.userId, name: a.name || a.email, email: a.email, agent: a.permissions.has('itsm.agent'), admin: a.permissions.has('itsm.admin') }
}

export const uuidParam = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } } as const
export const uuid = { type: 'string', format: 'uuid' } as const
export const nullableUuid = { type: ['string', 'null'], format: 'uuid' } as const
export const dateTime = { type: ['string', 'null'], format: 'date-time' } as const
export const localText = { type: 'object', required: ['en', 'pl'], properties: { en: { type: 'string' }, pl: { type: 'string' } } } as const

export const iso = (d: Date | string | null | undefined): string | null => d == null ? null : new Date(d).toISOString()
export const json = <T> (v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
