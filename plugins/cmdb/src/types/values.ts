import vm from 'node:vm'
import type { FieldDef } from './model.ts'

/** A value as given: typed JSON from the API and discovery, strings from CSV and query strings. */
export type Origin = 'json' | 'text'
export type Checked = { ok: true, value: unknown } | { ok: false, message: string, rule: string }

const TEXT_MAX = 2000
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/
const fail = (message: string, rule: string): Checked => ({ ok: false, message, rule })
const ok = (value: unknown): Checked => ({ ok: true, value })

// Tenant regexes are compiled once per pattern; anchored so a rule means "the whole value".
const compiled = new Map<string, RegExp>()
export function ruleRegex (pattern: string): RegExp {
  let re = compiled.get(pattern)
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u')
    if (compiled.size > 1000) compiled.clear()
    compiled.set(pattern, re)
  }
  return re
}

/**
 * Whether a pattern cannot backtrack badly: no unbounded quantifier (*, +, {n,}) on a group and
 * at most two unbounded quantifiers in all (quadratic at worst on a 2,000-character value).
 */
export function isSimpleRegex (pattern: string): boolean {
  let unbounded = 0
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') { i++; continue }
    if (inClass) { if (c === ']') inClass = false; continue }
    if (c === '[') { inClass = true; continue }
    const quantified = c === '*' || c === '+' || (c === '{' && /^\{\d+,\}/.test(pattern.slice(i)))
    if (!quantified) continue
    if (pattern[i - 1] === ')') return false
    unbounded++
  }
  return unbounded <= 2
}

// A tenant's pattern that is not simple runs in a vm context with a time limit: a catastrophic
// pattern then fails one value instead of stalling every tenant on the instance.
const sandbox = vm.createContext({ re: /$/, s: '' })
const probe = new vm.Script('re.test(s)')
const REGEX_TIMEOUT_MS = 50

function matchesRule (pattern: string, s: string): boolean | 'timeout' {
  const re = ruleRegex(pattern)
  if (isSimpleRegex(pattern)) return re.test(s)
  sandbox.re = re
  sandbox.s = s
  try {
    return probe.runInContext(sandbox, { timeout: REGEX_TIMEOUT_MS }) as boolean
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout'
    throw err
  }
}

function checkLength (def: FieldDef, s: string): Checked | null {
  const max = Math.min(def.max ?? TEXT_MAX, TEXT_MAX)
  if (def.min !== undefined && s.length < def.min) return fail(`must be at least ${def.min} characters`, 'min')
  if (s.length > max) return fail(`must be at most ${max} characters`, 'max')
  return null
}

function validDate (s: string): boolean {
  const m = isoDate.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
}

/**
 * Checks one value of a type field against its kind and rules and returns it in canonical form
 * (what is stored and compared). Null, and an empty string from text, mean "no value"; whether
 * that is allowed (`required`) is the caller's call, because it depends on who writes.
 */
export function checkValue (def: FieldDef, raw: unknown, from: Origin): Checked {
  if (raw === null || raw === undefined || (from === 'text' && typeof raw === 'string' && raw.trim() === '')) return ok(null)
  switch (def.kind) {
    case 'text':
    case 'url': {
      if (typeof raw !== 'string') return fail('must be a string', 'type')
      const s = raw.trim()
      const length = checkLength(def, s)
      if (length) return length
      if (def.kind === 'url') {
        let url: URL
        try { url = new URL(s) } catch { return fail('must be an absolute http(s) URL', 'url') }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must be an absolute http(s) URL', 'url')
      }
      if (def.regex !== undefined) {
        const matched = matchesRule(def.regex, s)
        if (matched === 'timeout') return fail('took too long to check against the field\'s pattern; simplify the pattern', 'regex')
        if (!matched) return fail(`must match ${def.regex}`, 'regex')
      }
      return ok(s)
    }
    case 'integer': {
      let n: number
      if (from === 'text' && typeof raw === 'string' && /^\s*-?\d{1,16}\s*$/.test(raw)) n = Number(raw)
      else if (typeof raw === 'number') n = raw
      else return fail('must be an integer', 'type')
      if (!Number.isSafeInteger(n)) return fail('must be an integer', 'type')
      if (def.min !== undefined && n < def.min) return fail(`must be at least ${def.min}`, 'min')
      if (def.max !== undefined && n > def.max) return fail(`must be at most ${def.max}`, 'max')
      return ok(n)
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return ok(raw)
      if (from === 'text' && typeof raw === 'string') {
        const s = raw.trim().toLowerCase()
        if (['true', 'yes', '1'].includes(s)) return ok(true)
        if (['false', 'no', '0'].includes(s)) return ok(false)
      }
      return fail('must be true or false', 'type')
    }
    case 'date': {
      if (typeof raw !== 'string' || !validDate(raw.trim())) return fail('must be a date (YYYY-MM-DD)', 'type')
      return ok(raw.trim())
    }
    case 'select': {
      if (typeof raw !== 'string') return fail('must be a string', 'type')
      const choices = def.choices ?? []
      const s = raw.trim()
      const match = choices.find(c => c === s) ?? (from === 'text' ? choices.find(c => c.toLowerCase() === s.toLowerCase()) : undefined)
      if (match === undefined) return fail(`must be one of ${choices.join(', ')}`, 'choices')
      return ok(match)
    }
    case 'reference': {
      if (typeof raw !== 'string' || !uuid.test(raw.trim())) return fail('must be the id of a CI', 'type')
      return ok(raw.trim().toLowerCase())
    }
  }
}

/**
 * The indexed form of a canonical value (cmdb_ci_values.value): what `f.<field>=` filters
 * compare with plain equality. Text is matched case-insensitively on its first 256 characters.
 */
export function valueKey (value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value.toLowerCase().slice(0, 256)
  return String(value)
}

/** A canonical value as a CSV cell (the inverse of checkValue with origin "text"). */
export function cellOf (value: unknown): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.join(' ')
  return String(value)
}

export const sameValue = (a: unknown, b: unknown): boolean =>
  (a ?? null) === (b ?? null) || (Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]))
