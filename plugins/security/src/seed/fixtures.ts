import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Transaction } from '@monozu/kernel'
import { upsertNvd, upsertOsv, type NvdCve, type OsvRecord } from '../feeds/store.ts'

const DIR = fileURLToPath(new URL('./feeds/', import.meta.url))

/**
 * Loads the bundled feed fixtures (real published advisories, see feeds/README.md) into the
 * platform tables, in the caller's platform transaction. Idempotent: unchanged records are not
 * rewritten, so a demo seed of a second tenant changes nothing.
 */
export async function loadFixtureFeeds (trx: Transaction): Promise<{ advisories: number }> {
  const records: OsvRecord[] = []
  for (const eco of readdirSync(`${DIR}osv`)) for (const f of readdirSync(`${DIR}osv/${eco}`)) records.push(JSON.parse(readFileSync(`${DIR}osv/${eco}/${f}`, 'utf8')))
  const advisories = await upsertOsv(trx, records)
  await upsertNvd(trx, JSON.parse(readFileSync(`${DIR}nvd/cves.json`, 'utf8')) as NvdCve[])
  const kev = JSON.parse(readFileSync(`${DIR}kev.json`, 'utf8')) as { vulnerabilities: Array<Record<string, string>> }
  await trx('security_kev').insert(kev.vulnerabilities.map(v => ({ cve_id: v.cveID, vendor: v.vendorProject, product: v.product, name: v.vulnerabilityName, date_added: v.dateAdded, due_date: v.dueDate, ransomware: v.knownRansomwareCampaignUse })))
    .onConflict('cve_id').ignore()
  const epss = readFileSync(`${DIR}epss.csv`, 'utf8').split('\n').filter(l => l.startsWith('CVE-')).map(l => { const [cve, e, p] = l.split(','); return { cve_id: cve, epss: Number(e), percentile: Number(p), score_date: '2024-12-05' } })
  await trx('security_epss').insert(epss).onConflict('cve_id').ignore()
  return { advisories }
}
