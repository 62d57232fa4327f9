import type { FastifyRequest } from 'fastify'
import { ApiError } from '@monozu/kernel'

export const tenantOf = (request: FastifyRequest): string => request.auth!.tenant!.id
export const notFound = (what: string, id: string) => new ApiError('not_found', `No ${what} ${id}`)
export const invalid = (pointer: string, rule: string, message: string) =>
  new ApiError('validation_failed', `body${pointer}: ${message}`, { extra: { errors: [{ in: 'body', pointer, rule, message }] } })
export const uuidParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const
export const iso = (v: Date | string | null | undefined): string | null => v == null ? null : new Date(v).toISOString()
export const nullableNumber = (v: string | number | null | undefined): number | null => v == null ? null : Number(v)
export const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505'
export const actorOf = (request: FastifyRequest) => `user:${request.auth!.userId}`
