import type { Transaction } from '@monozu/kernel'
import { matchName } from '../inventory/names.ts'
import type { OsvAffected } from '../match/osv.ts'
import { CPE_ECOSYSTEM, cpeName, vulnerableCriteria, type CpeConfiguration } from '../match/cpe.ts'

/** An OSV record as published (https://ossf.github.io/osv-schema/); the fields we read. */
export interface OsvRecord {
  id: string
  modified: string
  published?: string
  withdrawn?: string
  aliases?: string[]
  /** Debian and other distribution records name the upstream CVEs here. */
  upstream?: string[]
  summary?: string
  details?: string
  severity?: Array<{ type: string, score: string }>
  affected?: OsvAffected[]
  database_specific?: Record<string, unknown>
}

/** The CVSS vector we rank by: v3.x first (what NVD and KEV rank by), else v4. */
export function vectorOf (r: OsvRecord): string | null {
  const by = (type: string) => r.severity?.find(s => s.type === type && typeof s.score === 'string' && s.score.startsWith('CVSS:'))?.score ?? null
  return by('CVSS_V3') ?? by('CVSS_V4')
}

/**
 * Writes OSV records (platform scope): a record whose `modified` did not change is left alone, so
 * a re-run of the same archive writes nothing and tenants' scans see nothing new. A changed one
 * gets a new `seq`, which is what tenants' incremental scans follow. Returns how many changed.
 */
export async function upsertOsv (trx: Transaction, records: OsvRecord[]): Promise<number> {
  if (records.length === 0) return 0
  const byId = new Map<string, OsvRecord>()
  for (const r of records) {
    const prev = byId.get(r.id)
    if (!prev || new Date(r.modified) > new Date(prev.modified)) byId.set(r.id, r)
  }
  const rows = [...byId.values()].map(r => ({
    id: r.id, source: 'osv', aliases: [...new Set([...(r.aliases ?? []), ...(r.upstream ?? [])])], summary: (r.summary ?? r.details ?? '').slice(0, 1000) || null,
    modified: new Date(r.modified), published: r.published ? new Date(r.published) : null, withdrawn: r.withdrawn ? new Date(r.withdrawn) : null,
    cvss_vector: vectorOf(r), data: JSON.stringify(r)
  }))
  let changed = 0
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200)
    const written = await trx('security_advisories').insert(chunk)
      .onConflict('id').merge({
        source: trx.raw('excluded.source'), aliases: trx.raw('excluded.aliases'), summary: trx.raw('excluded.summary'), modified: trx.raw('excluded.modified'),
        published: trx.raw('excluded.published'), withdrawn: trx.raw('excluded.withdrawn'), cvss_vector: trx.raw('excluded.cvss_vector'), data: trx.raw('excluded.data'),
        seq: trx.raw("nextval(pg_get_serial_sequence('security_advisories', 'seq'))")
      })
      .whereRaw('security_advisories.modified is distinct from excluded.modified')
      .returning('id') as Array<{ id: string }>
    const ids = written.map(w => w.id)
    changed += ids.length
    if (ids.length === 0) continue
    await trx('security_affected').whereIn('advisory_id', ids).del()
    const affected = ids.flatMap(id => (byId.get(id)!.affected ?? []).flatMap((a, idx) => a.package?.ecosystem && a.package?.name
      ? [{ advisory_id: id, idx, ecosystem: a.package.ecosystem, match_name: matchName(a.package.ecosystem, a.package.name) }]
      : []))
    for (let j = 0; j < affected.length; j += 1000) await trx('security_affected').insert(affected.slice(j, j + 1000))
  }
  return changed
}

/** One CVE object of the NVD CVE API 2.0 (`vulnerabilities[].cve`). */
export interface NvdCve {
  id: string
  published?: string
  lastModified: string
  descriptions?: Array<{ lang: string, value: string }>
  metrics?: Record<string, Array<{ type?: string, cvssData?: { vectorString?: string } }>>
  configurations?: unknown[]
}

export function nvdVector (c: NvdCve): string | null {
  for (const key of ['cvssMetricV31', 'cvssMetricV30', 'cvssMetricV40']) {
    const list = c.metrics?.[key] ?? []
    const m = list.find(x => x.type === 'Primary') ?? list[0]
    if (m?.cvssData?.vectorString) return m.cvssData.vectorString
  }
  return null
}

/** NVD writes times without a zone; they are UTC. */
const nvdTime = (t: string) => new Date(t.endsWith('Z') || /[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`)

export async function upsertNvd (trx: Transaction, cves: NvdCve[]): Promise<number> {
  const byId = new Map(cves.map(c => [c.id, c]))
  const rows = [...byId.values()].map(c => ({
    cve_id: c.id, last_modified: nvdTime(c.lastModified), published: c.published ? nvdTime(c.published) : null,
    cvss_vector: nvdVector(c), description: (c.descriptions?.find(d => d.lang === 'en')?.value ?? '').slice(0, 2000) || null,
    configurations: JSON.stringify(c.configurations ?? [])
  }))
  for (let i = 0; i < rows.length; i += 500) await trx('security_nvd').insert(rows.slice(i, i + 500)).onConflict('cve_id').merge()
  await upsertCpeAdvisories(trx, [...byId.values()])
  return rows.length
}

/**
 * A CVE whose configurations name vulnerable CPEs is also an advisory (source `nvd`) with one
 * affected row per vulnerable criterion (ecosystem `CPE`, name `<vendor>:<product>`), so scans
 * match it against firmware like any OSV record. A changed record gets a new `seq`; an OSV record
 * that happens to carry the same id is left alone.
 */
async function upsertCpeAdvisories (trx: Transaction, cves: NvdCve[]): Promise<void> {
  const withCpe = cves.map(c => ({ c, criteria: vulnerableCriteria(c.configurations as CpeConfiguration[]) })).filter(x => x.criteria.length > 0)
  for (let i = 0; i < withCpe.length; i += 200) {
    const chunk = withCpe.slice(i, i + 200)
    const written = await trx('security_advisories').insert(chunk.map(({ c }) => ({
      id: c.id, source: 'nvd', aliases: [], summary: (c.descriptions?.find(d => d.lang === 'en')?.value ?? '').slice(0, 1000) || null,
      modified: nvdTime(c.lastModified), published: c.published ? nvdTime(c.published) : null, withdrawn: null, cvss_vector: nvdVector(c), data: JSON.stringify(c)
    }))).onConflict('id').merge({
      summary: trx.raw('excluded.summary'), modified: trx.raw('excluded.modified'), published: trx.raw('excluded.published'), cvss_vector: trx.raw('excluded.cvss_vector'),
      data: trx.raw('excluded.data'), seq: trx.raw("nextval(pg_get_serial_sequence('security_advisories', 'seq'))")
    }).whereRaw("security_advisories.source = 'nvd' and security_advisories.modified is distinct from excluded.modified").returning('id') as Array<{ id: string }>
    const ids = new Set(written.map(w => w.id))
    if (ids.size === 0) continue
    await trx('security_affected').whereIn('advisory_id', [...ids]).del()
    const affected = chunk.filter(x => ids.has(x.c.id)).flatMap(({ c, criteria }) => criteria.map((m, idx) => ({ advisory_id: c.id, idx, ecosystem: CPE_ECOSYSTEM, match_name: cpeName(m.match.criteria)! })))
    for (let j = 0; j < affected.length; j += 1000) await trx('security_affected').insert(affected.slice(j, j + 1000))
  }
}
