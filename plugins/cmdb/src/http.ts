import type { FastifyRequest } from 'fastify'
import { ApiError } from '@monozu/kernel'
import type { FieldError } from './types/definitions.ts'
import type { Actor, ChangeContext } from './cis/model.ts'
import type { Live } from './live.ts'

/** 400 validation_failed with one entry per bad field, in the kernel's `errors` format (+ `rule`). */
export function invalid (errors: FieldError[]): ApiError {
  const shown = errors.slice(0, 5).map(e => `${e.in}${e.pointer}: ${e.message}`).join('; ')
  return new ApiError('validation_failed', errors.length > 5 ? `${shown}; and ${errors.length - 5} more` : shown, { extra: { errors } })
}

export const notFound = (what: string, id: string) => new ApiError('not_found', `No ${what} ${id}`)

export const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505'

export const tenantOf = (request: FastifyRequest): string => request.auth!.tenant!.id

export function userActor (request: FastifyRequest, kind: Actor['kind'] = 'user'): Actor {
  return { kind, id: request.auth!.userId, name: request.auth!.name || request.auth!.email }
}

/** The change-log context of a request: its id groups everything the request changed. */
export function changeContext (request: FastifyRequest, live: Live, message: string | null | undefined, kind: Actor['kind'] = 'user'): ChangeContext {
  return { actor: userActor(request, kind), requestId: request.id, message: message ?? null, at: new Date(), publish: live.ciChanged }
}

export const uuidParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const
export const messageSchema = { type: 'string', maxLength: 500 } as const
