import { randomUUID } from 'node:crypto'
import { PackageURL } from 'packageurl-js'
import type { DomainEvent, PluginContext, Transaction } from '@monozu/kernel'
import type { Live } from '../live.ts'
import { matchName } from './names.ts'

export interface SoftwareReported {
  ciId: string | null
  ciName?: string | null
  deviceId: string
  source: string
  observedAt: string
  software: Array<{ name: string, version: string, ecosystem: string, purl?: string }>
}

interface InvRow { id: string, ecosystem: string, match_name: string, version: string }

export const assetKeyOf = (p: { ciId: string | null, deviceId: string }) => (p.ciId ? `ci:${p.ciId}` : `device:${p.deviceId}`)

/** A purl that parses is kept in its canonical form; one that does not is dropped (never the package). */
function canonicalPurl (purl: string | undefined): string | null {
  if (!purl) return null
  try { return PackageURL.fromString(purl).toString() } catch { return null }
}

/**
 * One report is the full list one source saw on one asset: packages it no longer lists are
 * removed, new ones added, the rest keep their id (findings follow the package, not the report).
 * Returns the asset keys whose inventory changed.
 */
export async function applyReports (trx: Transaction, tenantId: string, reports: SoftwareReported[], at: Date): Promise<string[]> {
  const changed = new Set<string>()
  for (const p of reports) {
    const assetKey = assetKeyOf(p)
    const observedAt = Number.isNaN(new Date(p.observedAt).getTime()) ? at : new Date(p.observedAt)
    const existing = await trx('security_inventory').select('id', 'ecosystem', 'match_name', 'version').where({ asset_key: assetKey, source: p.source }) as InvRow[]
    const keyOf = (r: { ecosystem: string, match_name: string, version: string }) => `${r.ecosystem}\u0000${r.match_name}\u0000${r.version}`
    const have = new Map(existing.map(r => [keyOf(r), r]))
    const want = new Map<string, Record<string, unknown>>()
    for (const s of p.software) {
      const row = {
        tenant_id: tenantId, id: randomUUID(), asset_key: assetKey, ci_id: p.ciId, ci_name: p.ciName ?? null, device_id: p.deviceId, source: p.source,
        ecosystem: s.ecosystem, name: s.name, match_name: matchName(s.ecosystem, s.name), version: s.version, purl: canonicalPurl(s.purl), observed_at: observedAt, changed_at: at
      }
      want.set(keyOf(row), row)
    }
    const gone = existing.filter(r => !want.has(keyOf(r))).map(r => r.id)
    const added = [...want.entries()].filter(([k]) => !have.has(k)).map(([, r]) => r)
    for (let i = 0; i < gone.length; i += 1000) await trx('security_inventory').whereIn('id', gone.slice(i, i + 1000)).del()
    for (let i = 0; i < added.length; i += 500) await trx('security_inventory').insert(added.slice(i, i + 500))
    await trx('security_inventory').where({ asset_key: assetKey, source: p.source }).update({ observed_at: observedAt, ...(p.ciName ? { ci_name: p.ciName } : {}) })
    if (gone.length > 0 || added.length > 0) changed.add(assetKey)
  }
  const dirty = [...changed]
  if (dirty.length > 0) {
    await trx('security_dirty_assets').insert(dirty.map(asset_key => ({ tenant_id: tenantId, asset_key, marked_at: at }))).onConflict(['tenant_id', 'asset_key']).merge(['marked_at'])
  }
  return dirty
}

/** Subscribes to `cmdb.software_reported`; a changed inventory queues the tenant's incremental scan. */
export function handleInventory (ctx: PluginContext, live: Live): void {
  ctx.events.handleBatch<SoftwareReported>('inventory', async (events: Array<DomainEvent<SoftwareReported>>, trx) => {
    const tenantId = events[0]!.tenantId
    const dirty = await applyReports(trx, tenantId, events.map(e => e.payload), ctx.clock.now())
    if (dirty.length === 0) return
    live.afterCommit(trx, tenantId, 'inventory.changed', { assets: dirty.slice(0, 100) })
    trx.executionPromise.then(
      () => ctx.jobs.enqueue('scan', {}, { tenantId, dedupeKey: 'security-scan' }).catch(err => ctx.log.warn({ err, tenantId }, 'security: scan not queued after an inventory change')),
      () => {}
    )
  })
}
