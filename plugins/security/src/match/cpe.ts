import { sentenceOf, type Comparison, type RangeMatch } from './osv.ts'

/**
 * NVD CVE API 2.0 `configurations` matched against firmware and other CPE-named inventory
 * (ecosystem `CPE`, name `<vendor>:<product>`, version as the appliance reports it).
 * https://nvd.nist.gov/developers/vulnerabilities (configurations, nodes, cpeMatch).
 */
export interface CpeMatch {
  vulnerable: boolean
  criteria: string
  matchCriteriaId?: string
  versionStartIncluding?: string
  versionStartExcluding?: string
  versionEndIncluding?: string
  versionEndExcluding?: string
}
export interface CpeNode { operator?: 'OR' | 'AND', negate?: boolean, cpeMatch?: CpeMatch[] }
export interface CpeConfiguration { operator?: 'OR' | 'AND', negate?: boolean, nodes?: CpeNode[] }

export const CPE_ECOSYSTEM = 'CPE'

/** `cpe:2.3:o:fortinet:fortios:*:...` → its parts (escaped characters kept as they are). */
export function parseCpe (cpe: string): { part: string, vendor: string, product: string, version: string } | null {
  const f = cpe.split(/(?<!\\):/)
  if (f.length < 6 || f[0] !== 'cpe' || f[1] !== '2.3') return null
  return { part: f[2]!, vendor: f[3]!, product: f[4]!, version: f[5]! }
}

/** The inventory name a CPE criterion matches: `<vendor>:<product>`, lower case as NVD writes it. */
export const cpeName = (cpe: string) => { const p = parseCpe(cpe); return p ? `${p.vendor}:${p.product}`.toLowerCase() : null }

/** Every vulnerable criterion of a CVE in document order: its index is the affected row's `idx`. */
export function vulnerableCriteria (configurations: CpeConfiguration[] | null | undefined): Array<{ match: CpeMatch, config: number, node: number, index: number }> {
  const out: Array<{ match: CpeMatch, config: number, node: number, index: number }> = []
  ;(configurations ?? []).forEach((c, ci) => (c.nodes ?? []).forEach((n, ni) => (n.cpeMatch ?? []).forEach((m, mi) => {
    if (m.vulnerable && cpeName(m.criteria)) out.push({ match: m, config: ci, node: ni, index: mi })
  })))
  return out
}

const tokens = (v: string) => v.toLowerCase().match(/\d+|[a-z]+/g) ?? []

/**
 * Firmware versions have no ecosystem rule: this compares dotted versions piece by piece,
 * numbers as numbers and letters as text (`1.1.1n` < `1.1.1t`, `6.0.10` > `6.0.4`), a number
 * after a release more than nothing (`6.0.4.1` > `6.0.4`). The explanation names it `cpe-version`.
 */
export function compareCpeVersion (a: string, b: string): number {
  const x = tokens(a)
  const y = tokens(b)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i]
    const q = y[i]
    if (p === undefined) return /^\d/.test(q!) ? -1 : 1 // 1.0 < 1.0.1, but 1.0 > 1.0rc1
    if (q === undefined) return /^\d/.test(p) ? 1 : -1
    const pn = /^\d/.test(p)
    const qn = /^\d/.test(q)
    if (pn && qn) { const d = Number(p) - Number(q); if (d !== 0) return d < 0 ? -1 : 1; continue }
    if (pn !== qn) return pn ? 1 : -1
    if (p !== q) return p < q ? -1 : 1
  }
  return 0
}

const BOUNDS = [
  ['versionStartIncluding', '>=', (c: number) => c >= 0],
  ['versionStartExcluding', '>', (c: number) => c > 0],
  ['versionEndIncluding', '<=', (c: number) => c <= 0],
  ['versionEndExcluding', '<', (c: number) => c < 0]
] as const

/** Does `version` of `name` (vendor:product) meet one criterion? With the comparisons made. */
export function meetsCriterion (m: CpeMatch, name: string, version: string): { ok: boolean, comparisons: Comparison[] } {
  const p = parseCpe(m.criteria)
  if (!p || `${p.vendor}:${p.product}`.toLowerCase() !== name.toLowerCase()) return { ok: false, comparisons: [] }
  const comparisons: Comparison[] = []
  // "-": the version does not apply (hardware, usually): any record of the product meets it.
  if (p.version === '-') return { ok: true, comparisons }
  if (p.version !== '*') {
    // A criterion naming one version (NVD escapes dots in some: 6.0\.4).
    const exact = p.version.replace(/\\(.)/g, '$1')
    comparisons.push({ bound: 'cpe_version', op: '=', version, value: exact })
    return { ok: compareCpeVersion(version, exact) === 0, comparisons }
  }
  for (const [key, op, test] of BOUNDS) {
    const value = m[key]
    if (value === undefined) continue
    const ok = test(compareCpeVersion(version, value))
    comparisons.push({ bound: key, op, version, value })
    if (!ok) return { ok: false, comparisons }
  }
  return { ok: true, comparisons }
}

/** A node holds for an asset when any (OR) or every (AND) criterion meets one of its CPE records. */
function nodeHolds (n: CpeNode, records: Array<{ name: string, version: string }>): boolean {
  const each = (n.cpeMatch ?? []).map(m => records.some(r => meetsCriterion(m, r.name, r.version).ok))
  const holds = n.operator === 'AND' ? each.length > 0 && each.every(Boolean) : each.some(Boolean)
  return n.negate ? !holds : holds
}

/**
 * Evaluates criterion `idx` (see vulnerableCriteria) for one inventory record, and the rest of its
 * configuration against the asset's other CPE records: "FortiOS 6.0.4 AND running on FortiGate
 * hardware" needs both, so firmware alone never matches a configuration that also names hardware.
 */
export function evaluateCpe (configurations: CpeConfiguration[], idx: number, record: { name: string, version: string }, assetRecords: Array<{ name: string, version: string }>): RangeMatch & { criterion: CpeMatch | null, requires: string[] } {
  const none = { affected: false, matchedBy: null, rangeType: null, rangeIndex: null, events: null, comparisons: [], scheme: 'cpe-version', fixedVersion: null, sentence: '', skipped: [], criterion: null, requires: [] }
  const c = vulnerableCriteria(configurations)[idx]
  if (!c) return none
  const met = meetsCriterion(c.match, record.name, record.version)
  if (!met.ok) return { ...none, comparisons: met.comparisons, criterion: c.match }
  const config = configurations[c.config]!
  const node = config.nodes![c.node]!
  const requires: string[] = []
  const all = [record, ...assetRecords]
  if (node.operator === 'AND') {
    for (const [i, m] of (node.cpeMatch ?? []).entries()) {
      if (i === c.index) continue
      requires.push(m.criteria)
      if (!all.some(r => meetsCriterion(m, r.name, r.version).ok)) return { ...none, criterion: c.match }
    }
  }
  if (config.operator === 'AND') {
    for (const [i, n] of (config.nodes ?? []).entries()) {
      if (i === c.node) continue
      requires.push(...(n.cpeMatch ?? []).map(m => m.criteria))
      if (!nodeHolds(n, all)) return { ...none, criterion: c.match }
    }
  }
  return {
    affected: true, matchedBy: 'cpe', rangeType: 'CPE', rangeIndex: c.index, events: null, comparisons: met.comparisons, scheme: 'cpe-version',
    fixedVersion: c.match.versionEndExcluding ?? null,
    // "6.0.4 >= versionStartIncluding 6.0.0 and 6.0.4 <= versionEndIncluding 6.0.4 by cpe-version (cpe:2.3:o:fortinet:fortios:*:...)"
    sentence: `${met.comparisons.length > 0 ? sentenceOf(met.comparisons, 'cpe-version') : `any version of ${record.name}`} (${c.match.criteria})`,
    skipped: [], criterion: c.match, requires
  }
}
