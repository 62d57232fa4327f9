import { ApiError } from '../errors/errors.ts'

/** Query schema for every list route: `?limit=&cursor=`. */
export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', maxLength: 500 }
  }
} as const

/** Response schema of a list: `{ items, nextCursor }`. */
export function pageOf (item: object) {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } }
  } as const
}

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor (key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/**
 * What each field of a cursor holds. A cursor is client input like any other: a hand-made one
 * with a non-UUID id, an impossible date or a number beyond any column must be a 400, not an SQL
 * error. `string` is text of at most 500 characters; `integer` a decimal string within the
 * range of a bigint (what `String(bigserial)` gives); `number` a finite JSON number; `date` an
 * RFC 3339 timestamp (as `toISOString()` writes it) in years 0001-9999.
 */
export type CursorKind = 'uuid' | 'date' | 'integer' | 'number' | 'string'
type KindValue = { uuid: string, date: string, integer: string, number: number, string: string }
export type CursorOf<S extends Record<string, CursorKind>> = { [K in keyof S]: KindValue[S[K]] }

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const timestamp = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/
const INT64_MAX = 2n ** 63n - 1n

function validDate (s: string): boolean {
  const m = timestamp.exec(s)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const d = new Date(Date.UTC(year, month - 1, day))
  return year >= 1 && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}

const checks: Record<CursorKind, (v: unknown) => boolean> = {
  uuid: v => typeof v === 'string' && uuid.test(v),
  date: v => typeof v === 'string' && validDate(v),
  integer: v => typeof v === 'string' && /^-?\d{1,19}$/.test(v) && BigInt(v) <= INT64_MAX && BigInt(v) >= -INT64_MAX - 1n,
  number: v => typeof v === 'number' && Number.isFinite(v),
  string: v => typeof v === 'string' && v.length <= 500 && !v.includes('\u0000')
}

const notACursor = () => new ApiError('validation_failed', 'querystring/cursor: is not a cursor this list returned', { extra: { errors: [{ in: 'querystring', pointer: '/cursor', message: 'unknown cursor' }] } })

/**
 * The key a cursor from `encodeCursor` holds, checked field by field against `shape`
 * (`{ at: 'date', id: 'uuid' }`): exactly these fields, each of its kind, or a 400. Only a shape
 * of kinds is accepted: a list of names could not tell a UUID from any text, and a wrong-kind
 * value that reaches SQL is a 500.
 */
export function decodeCursor<const S extends Record<string, CursorKind>> (cursor: string | undefined, shape: S): CursorOf<S> | undefined {
  if (cursor === undefined) return undefined
  let key: unknown
  try { key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) } catch { throw notACursor() }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw notACursor()
  const fields = Object.entries(shape)
  const k = key as Record<string, unknown>
  if (Object.keys(k).length !== fields.length || !fields.every(([f, kind]) => Object.hasOwn(k, f) && checks[kind](k[f]))) throw notACursor()
  return k as CursorOf<S>
}

/** Builds `{ items, nextCursor }` from `limit + 1` fetched rows. */
export function page<T> (rows: T[], limit: number, keyOf: (row: T) => Record<string, string | number>): { items: T[], nextCursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}
