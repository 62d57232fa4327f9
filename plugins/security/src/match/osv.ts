import { comparatorFor, semverComparator, type Comparator } from '../versions/index.ts'

/** One `affected[]` entry of an OSV advisory (https://ossf.github.io/osv-schema/). */
export interface OsvAffected {
  package?: { ecosystem: string, name: string, purl?: string }
  ranges?: Array<{ type: string, repo?: string, events: Array<{ introduced?: string, fixed?: string, last_affected?: string, limit?: string }> }>
  versions?: string[]
}

export interface Comparison {
  /** OSV events, or an NVD CPE criterion's bounds (match/cpe.ts). */
  bound: 'introduced' | 'fixed' | 'last_affected' | 'limit' | 'listed' | 'versionStartIncluding' | 'versionStartExcluding' | 'versionEndIncluding' | 'versionEndExcluding' | 'cpe_version'
  /** `<`, `<=`, `>=`, `>`, `=` as in "4.17.20 < fixed 4.17.21". */
  op: '<' | '<=' | '>=' | '>' | '='
  version: string
  value: string
}

export interface RangeMatch {
  affected: boolean
  matchedBy: 'range' | 'versions' | 'cpe' | null
  rangeType: string | null
  rangeIndex: number | null
  /** The range's events as published. */
  events: Array<Record<string, string>> | null
  comparisons: Comparison[]
  scheme: string | null
  fixedVersion: string | null
  /** "4.17.20 < fixed 4.17.21 by semver" */
  sentence: string
  /** Ranges that could not be evaluated, and why (a version the scheme cannot read, a GIT range). */
  skipped: string[]
}

type Ev = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit', value: string }

const isZero = (v: string) => v === '0'

function cmpBound (c: Comparator, a: string, b: string): number {
  if (isZero(a) && isZero(b)) return 0
  if (isZero(a)) return -1
  if (isZero(b)) return 1
  return c.compare(a, b)
}

export function sentenceOf (comparisons: Comparison[], scheme: string | null): string {
  const parts = comparisons.filter(c => !(c.bound === 'introduced' && isZero(c.value)))
  const shown = parts.length > 0 ? parts : comparisons
  const text = shown.map(c => (c.bound === 'listed' ? `${c.version} is listed as affected` : `${c.version} ${c.op} ${c.bound.replace('_', ' ')} ${c.value}`)).join(' and ')
  return scheme && !shown.every(c => c.bound === 'listed') ? `${text} by ${scheme}` : text
}

/**
 * Whether `version` is affected by one OSV `affected` entry, with the comparison that decided it.
 * SEMVER ranges compare by SemVer 2.0; ECOSYSTEM ranges by the ecosystem's own ordering. Per the
 * OSV schema: a version is affected from an `introduced` up to (not including) the next `fixed`,
 * or up to and including a `last_affected`; at or above every `limit` nothing is affected; and
 * any version in `versions` is affected.
 */
export function evaluate (affected: OsvAffected, ecosystem: string, version: string): RangeMatch {
  const none = (skipped: string[]): RangeMatch => ({ affected: false, matchedBy: null, rangeType: null, rangeIndex: null, events: null, comparisons: [], scheme: null, fixedVersion: null, sentence: '', skipped })
  const skipped: string[] = []
  const eco = comparatorFor(ecosystem)
  for (const [index, range] of (affected.ranges ?? []).entries()) {
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') { skipped.push(`range ${index}: ${range.type} ranges are matched by commit, not by version`); continue }
    const c = range.type === 'SEMVER' ? semverComparator : eco
    if (!c) { skipped.push(`range ${index}: no version ordering for ${ecosystem}`); continue }
    try {
      if (!c.valid(version)) { skipped.push(`range ${index}: "${version}" is not a ${c.scheme} version`); continue }
      const events: Ev[] = range.events.flatMap(e => Object.entries(e).filter(([k, v]) => typeof v === 'string' && ['introduced', 'fixed', 'last_affected', 'limit'].includes(k)).map(([k, v]) => ({ kind: k as Ev['kind'], value: v as string })))
      const limits = events.filter(e => e.kind === 'limit')
      if (limits.length > 0 && limits.every(l => c.compare(version, l.value) >= 0)) continue
      const sorted = events.filter(e => e.kind !== 'limit').sort((a, b) => cmpBound(c, a.value, b.value))
      // Walk the events in version order; `open` is the introduced event of the interval we are in.
      let open: Ev | null = null
      for (let i = 0; i <= sorted.length; i++) {
        const e = sorted[i]
        if (e && e.kind === 'introduced') { if (!open) open = e; continue }
        if (!open) continue
        const inside = cmpBound(c, version, open.value) >= 0 && (!e || (e.kind === 'fixed' ? c.compare(version, e.value) < 0 : c.compare(version, e.value) <= 0))
        if (inside) {
          const comparisons: Comparison[] = [{ bound: 'introduced', op: '>=', version, value: open.value }]
          if (e) comparisons.push({ bound: e.kind, op: e.kind === 'fixed' ? '<' : '<=', version, value: e.value })
          for (const l of limits) comparisons.push({ bound: 'limit', op: '<', version, value: l.value })
          return {
            affected: true, matchedBy: 'range', rangeType: range.type, rangeIndex: index, events: range.events as Array<Record<string, string>>,
            comparisons, scheme: c.scheme, fixedVersion: e?.kind === 'fixed' ? e.value : null, sentence: sentenceOf(comparisons, c.scheme), skipped
          }
        }
        if (e) open = null
      }
    } catch (err) {
      skipped.push(`range ${index}: ${(err as Error).message}`)
    }
  }
  if (affected.versions?.includes(version)) {
    const comparisons: Comparison[] = [{ bound: 'listed', op: '=', version, value: version }]
    return { affected: true, matchedBy: 'versions', rangeType: null, rangeIndex: null, events: null, comparisons, scheme: null, fixedVersion: fixedOf(affected), sentence: sentenceOf(comparisons, null), skipped }
  }
  return none(skipped)
}

/** The first `fixed` any range names (for a match by the versions list). */
function fixedOf (affected: OsvAffected): string | null {
  for (const r of affected.ranges ?? []) for (const e of r.events) if (e.fixed) return e.fixed
  return null
}
