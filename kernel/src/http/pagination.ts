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

export function decodeCursor<T extends Record<string, string | number>> (cursor: string | undefined, fields: Array<keyof T & string>): T | undefined {
  if (cursor === undefined) return undefined
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (key && typeof key === 'object' && fields.every(f => typeof key[f] === 'string' || typeof key[f] === 'number')) return key as T
  } catch { /* fall through */ }
  throw new ApiError('validation_failed', 'querystring/cursor: is not a cursor this list returned', { extra: { errors: [{ in: 'querystring', pointer: '/cursor', message: 'unknown cursor' }] } })
}

/** Builds `{ items, nextCursor }` from `limit + 1` fetched rows. */
export function page<T> (rows: T[], limit: number, keyOf: (row: T) => Record<string, string | number>): { items: T[], nextCursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}
