import type { FastifyRequest } from 'fastify'
import { ApiError } from '@monozu/kernel'

export const tenantOf = (request: FastifyRequest): string => request.auth!.tenant!.id
export const actorOf = (request: FastifyRequest): string => `user:${request.auth!.userId}`

/** 400 validation_failed naming the field, in the kernel's `errors` format. */
export function invalid (pointer: string, message: string, where: 'body' | 'querystring' = 'body'): ApiError {
  return new ApiError('validation_failed', `${where}${pointer}: ${message}`, { extra: { errors: [{ in: where, pointer, message }] } })
}

export const notFound = (what: string, id: string) => new ApiError('not_found', `No ${what} ${id}`)

export const uniqueViolation = (err: unknown): string | null => {
  const e = err as { code?: string, constraint?: string, detail?: string, message?: string } | null
  if (e?.code !== '23505') return null
  return e.constraint ?? e.detail ?? e.message ?? ''
}

export const uuidParam = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const
export const uuid = { type: 'string', format: 'uuid' } as const
export const name = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^\\r\\n]+$' } as const
export const description = { type: ['string', 'null'], maxLength: 500 } as const
export const iso = (d: unknown): string | null => d == null ? null : new Date(d as string).toISOString()
