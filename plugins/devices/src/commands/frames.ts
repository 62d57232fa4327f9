import { ApiError, httpErrors, isUuid } from '@monozu/kernel'

// What an appliance may send over the device socket, checked before anything reaches SQL, and
// the error frames it gets back: the HTTP problem shape and catalogue codes, so an agent handles
// both transports with one code path.

export type DeviceFrame =
  | { type: 'ack', id: string, state: 'acked' | 'running' }
  | { type: 'result', id: string, exitCode: number, output?: string, durationMs?: number }

export const SOCKET_PATH = '/api/ws/device'

// The same limits as the HTTP routes' schemas (commands/routes.ts): the columns are 32-bit.
const FIELDS = { ack: ['type', 'id', 'state'], result: ['type', 'id', 'exitCode', 'output', 'durationMs'] }
const int32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647

function invalid (pointer: string, message: string, id?: string): ApiError {
  return new ApiError('validation_failed', `message${pointer}: ${message}`, { extra: { errors: [{ in: 'message', pointer, message }], ...(id ? { id } : {}) } })
}

/** The frame as a typed message, or an ApiError saying what is wrong with it. */
export function parseFrame (raw: Buffer): DeviceFrame {
  let message: unknown
  try { message = JSON.parse(raw.toString('utf8')) } catch {
    // As for an HTTP body that does not parse.
    throw new ApiError('bad_request', 'A frame is one JSON object')
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) throw invalid('/', 'must be a JSON object')
  const m = message as Record<string, unknown>
  if (m.type !== 'ack' && m.type !== 'result') throw invalid('/type', 'must be "ack" or "result"')
  if (!isUuid(m.id)) throw invalid('/id', 'must be a command id (uuid)')
  const id = m.id
  const unknown = Object.keys(m).find(key => !FIELDS[m.type as DeviceFrame['type']].includes(key))
  if (unknown) throw invalid(`/${unknown}`, `unknown field "${unknown}"`, id)
  if (m.type === 'ack') {
    const state = m.state ?? 'acked'
    if (state !== 'acked' && state !== 'running') throw invalid('/state', 'must be "acked" or "running"', id)
    return { type: 'ack', id, state }
  }
  if (!int32(m.exitCode)) throw invalid('/exitCode', 'must be a 32-bit integer', id)
  // PostgreSQL text cannot hold NUL; over HTTP such a string is a 400 too.
  if (m.output !== undefined && (typeof m.output !== 'string' || m.output.includes('\u0000'))) throw invalid('/output', 'must be a string without NUL characters', id)
  if (m.durationMs !== undefined && (!int32(m.durationMs) || (m.durationMs as number) < 0)) throw invalid('/durationMs', 'must be a non-negative 32-bit integer', id)
  return {
    type: 'result',
    id,
    exitCode: m.exitCode as number,
    ...(m.output !== undefined ? { output: m.output as string } : {}),
    ...(m.durationMs !== undefined ? { durationMs: m.durationMs as number } : {})
  }
}

/**
 * The error frame for `err`: an ApiError as its problem, anything else as `internal_error` with
 * only the request id (the cause is logged by the caller, never sent).
 */
export function errorFrame (err: unknown, requestId: string, id?: string): Record<string, unknown> {
  const known = err instanceof ApiError
  const { code, status, title } = known ? err : { code: 'internal_error', ...httpErrors.internal_error }
  const detail = known ? err.message : `Something went wrong on our side; quote request id ${requestId} to support.`
  return { type: 'error', code, title, status, detail, instance: SOCKET_PATH, requestId, ...(id ? { id } : {}), ...(known ? err.extra : {}) }
}
