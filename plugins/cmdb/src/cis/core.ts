import { STATUSES, type CoreField } from '../types/model.ts'
import type { Checked, Origin } from '../types/values.ts'

const fail = (message: string, rule: string): Checked => ({ ok: false, message, rule })
const ok = (value: unknown): Checked => ({ ok: true, value })
const controlChars = /[\u0000-\u001f\u007f]/

function str (raw: unknown, max: number, min = 1): Checked {
  if (typeof raw !== 'string') return fail('must be a string', 'type')
  const s = raw.trim()
  if (s.length < min) return fail(min === 1 ? 'must not be empty' : `must be at least ${min} characters`, 'min')
  if (s.length > max) return fail(`must be at most ${max} characters`, 'max')
  return ok(s)
}

/** `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff`, `aabbccddeeff` → `aa:bb:cc:dd:ee:ff`. */
export function normalizeMac (raw: string): string | null {
  const hex = raw.trim().toLowerCase().replace(/[:.\-\s]/g, '')
  if (!/^[0-9a-f]{12}$/.test(hex)) return null
  return hex.match(/../g)!.join(':')
}

export function normalizeUuid (raw: string): string | null {
  const hex = raw.trim().toLowerCase().replace(/-/g, '')
  if (!/^[0-9a-f]{32}$/.test(hex)) return null
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export const normalizeSerial = (raw: string) => raw.trim().toUpperCase()
export const normalizeHostname = (raw: string) => raw.trim().toLowerCase().replace(/\.$/, '')

/**
 * Checks a core field (stored in its own column) and returns its canonical form. Identifiers
 * are normalised here once, so reconciliation and filters compare them with plain equality.
 */
export function checkCore (key: CoreField, raw: unknown, from: Origin): Checked {
  const empty = raw === null || raw === undefined || (from === 'text' && typeof raw === 'string' && raw.trim() === '')
  if (key === 'macs') {
    if (empty) return ok([])
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,;]+/).filter(Boolean) : null
    if (!list || list.some(m => typeof m !== 'string')) return fail('must be a list of MAC addresses', 'type')
    if (list.length > 32) return fail('must have at most 32 MAC addresses', 'max')
    const macs = new Set<string>()
    for (const m of list as string[]) {
      const mac = normalizeMac(m)
      if (!mac) return fail(`"${m.slice(0, 40)}" is not a MAC address`, 'type')
      macs.add(mac)
    }
    return ok([...macs].sort())
  }
  if (empty) return ok(null)
  switch (key) {
    case 'name': {
      const r = str(raw, 200)
      if (r.ok && controlChars.test(r.value as string)) return fail('must not contain control characters', 'type')
      return r
    }
    case 'status':
      if (typeof raw === 'string' && (STATUSES as readonly string[]).includes(raw.trim().toLowerCase())) return ok(raw.trim().toLowerCase())
      return fail(`must be one of ${STATUSES.join(', ')}`, 'choices')
    case 'site': return str(raw, 100)
    case 'description': return str(raw, 2000)
    case 'hostname': {
      if (typeof raw !== 'string') return fail('must be a string', 'type')
      const h = normalizeHostname(raw)
      if (h.length > 253 || !/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/.test(h)) return fail('must be a host name (letters, digits, -, _ and .)', 'type')
      return ok(h)
    }
    case 'serial': {
      const r = str(raw, 100)
      if (!r.ok) return r
      if (controlChars.test(r.value as string)) return fail('must not contain control characters', 'type')
      return ok(normalizeSerial(r.value as string))
    }
    case 'hardwareUuid': {
      const u = typeof raw === 'string' ? normalizeUuid(raw) : null
      return u ? ok(u) : fail('must be a UUID', 'type')
    }
  }
}
