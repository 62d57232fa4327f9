import type { Transaction } from '@monozu/kernel'

export type Direction = 'up' | 'down'

export interface ImpactResult {
  items: Array<{ id: string, type: string, name: string, status: string, distance: number }>
  edges: Array<{ relationId: string, sourceId: string, targetId: string, type: string }>
  truncated: boolean
}

/**
 * Walks relations breadth-first from one CI, one query per level. Every relation reads "the
 * source depends on the target": `up` follows relations backwards (who depends on the CI, what
 * breaks if it fails), `down` forwards (what it needs). Each CI is visited once, so cycles end;
 * `distance` is the shortest hop count. Stops after `maxNodes` CIs (truncated).
 */
export async function impact (trx: Transaction, rootId: string, direction: Direction, depth: number, maxNodes: number): Promise<ImpactResult> {
  const from = direction === 'up' ? 'target_id' : 'source_id'
  const to = direction === 'up' ? 'source_id' : 'target_id'
  const distance = new Map<string, number>([[rootId, 0]])
  const edges: ImpactResult['edges'] = []
  let frontier = [rootId]
  let truncated = false
  for (let level = 1; level <= depth && frontier.length > 0 && !truncated; level++) {
    const rows = await trx('cmdb_relations').select('id', 'source_id', 'target_id', 'type').whereIn(from, frontier).orderBy('id') as Array<{ id: string, source_id: string, target_id: string, type: string }>
    const next: string[] = []
    for (const r of rows) {
      const other = r[to]
      edges.push({ relationId: r.id, sourceId: r.source_id, targetId: r.target_id, type: r.type })
      if (distance.has(other)) continue
      if (distance.size > maxNodes) { truncated = true; break }
      distance.set(other, level)
      next.push(other)
    }
    frontier = next
  }
  distance.delete(rootId)
  const ids = [...distance.keys()]
  const cis = new Map<string, { id: string, type: string, name: string, status: string }>()
  for (let i = 0; i < ids.length; i += 1000) {
    for (const c of await trx('cmdb_cis').select('id', 'type', 'name', 'status').whereIn('id', ids.slice(i, i + 1000)) as Array<{ id: string, type: string, name: string, status: string }>) cis.set(c.id, c)
  }
  const items = ids.flatMap(id => { const c = cis.get(id); return c ? [{ ...c, distance: distance.get(id) as number }] : [] })
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
  // Only edges between CIs in the result (or the root): what a client needs to draw the graph.
  const kept = edges.filter(e => (distance.has(e.sourceId) || e.sourceId === rootId) && (distance.has(e.targetId) || e.targetId === rootId))
  return { items, edges: kept, truncated }
}
