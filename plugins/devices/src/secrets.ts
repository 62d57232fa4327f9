import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// `<kind>_<tenant>_<prefix>_<secret>`, all hex: the tenant lets the lookup run inside that
// tenant's row-level-security scope, the prefix finds the row and names the key in lists.
const format = /^(mze|mzd)_([0-9a-f]{32})_([0-9a-f]{12})_([0-9a-f]{48})$/

export type SecretKind = 'mze' | 'mzd'

export interface ParsedSecret { tenantId: string, prefix: string, hash: string }

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

const dashed = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`

/** A new enrollment token (mze) or device key (mzd) for the tenant; only its hash is stored. */
export function newSecret (kind: SecretKind, tenantId: string): { value: string, prefix: string, hash: string } {
  const prefix = randomBytes(6).toString('hex')
  const value = `${kind}_${tenantId.replace(/-/g, '').toLowerCase()}_${prefix}_${randomBytes(24).toString('hex')}`
  return { value, prefix, hash: sha256(value) }
}

export function parseSecret (kind: SecretKind, value: unknown): ParsedSecret | null {
  if (typeof value !== 'string') return null
  const match = format.exec(value)
  if (!match || match[1] !== kind) return null
  return { tenantId: dashed(match[2] as string), prefix: match[3] as string, hash: sha256(value) }
}

export function sameHash (a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
}
