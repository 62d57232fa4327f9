import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import type { Transaction } from '@monozu/kernel'
import type { Actor, ChangeContext, Ci } from '../cis/model.ts'
import type { CiPublisher } from '../cis/events.ts'
import { ciOf, CI_COLUMNS, findByNames, insertCis, updateCis, type CiRow } from '../cis/store.ts'
import { loadRegistry, type Registry } from '../types/registry.ts'
import { applyDiscovered, createDiscovered, type Skipped } from './apply.ts'
import { eventData, identityOf, IDENTIFIERS, nameOf, type Discovered, type Identifier } from './event.ts'

export interface Candidate { id: string, matchedBy: Identifier | 'name' }

export type Outcome =
  | { kind: 'match', ci: Ci, by: Identifier }
  | { kind: 'none' }
  | { kind: 'ambiguous', reason: string, candidates: Candidate[] }

export interface ReconcileResult {
  created: string[]
  updated: string[]
  unchanged: number
  review: string[]
  /** Sent fields not applied because the CI locks them. */
  lockedKept: number
  skipped: Array<Skipped & { seq: string }>
  /** Per event (by seq): the CI it was reconciled to, absent when it went to review. */
  ciBySeq: Map<string, { id: string, name: string }>
}

const CHUNK = 1000

/**
 * What the batch's CIs look like while it is reconciled: loaded once for every identifier the
 * batch mentions, then kept current as events create and change CIs, so the same appliance
 * discovered twice in one batch still makes one CI.
 */
class Known {
  readonly cis = new Map<string, Ci>()
  private readonly by: Record<Identifier | 'name', Map<string, Set<string>>> = { serial: new Map(), hardwareUuid: new Map(), macs: new Map(), hostname: new Map(), name: new Map() }

  private keys (ci: Ci): Array<[Identifier | 'name', string]> {
    const keys: Array<[Identifier | 'name', string]> = [['name', `${ci.type}\u0000${ci.name.toLowerCase()}`]]
    if (ci.serial) keys.push(['serial', ci.serial])
    if (ci.hardwareUuid) keys.push(['hardwareUuid', ci.hardwareUuid])
    if (ci.hostname) keys.push(['hostname', ci.hostname])
    for (const mac of ci.macs) keys.push(['macs', mac])
    return keys
  }

  put (ci: Ci): void {
    const old = this.cis.get(ci.id)
    if (old) for (const [kind, key] of this.keys(old)) this.by[kind].get(key)?.delete(old.id)
    this.cis.set(ci.id, ci)
    for (const [kind, key] of this.keys(ci)) {
      let ids = this.by[kind].get(key)
      if (!ids) this.by[kind].set(key, ids = new Set())
      ids.add(ci.id)
    }
  }

  find (kind: Identifier | 'name', keys: string[]): Set<string> {
    const out = new Set<string>()
    for (const k of keys) for (const id of this.by[kind].get(k) ?? []) out.add(id)
    return out
  }
}

async function loadKnown (trx: Transaction, events: Discovered[]): Promise<Known> {
  const known = new Known()
  const uniq = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))]
  const serials = uniq(events.map(e => e.serial))
  const uuids = uniq(events.map(e => e.hardwareUuid))
  const hostnames = uniq(events.map(e => e.hostname))
  const macs = uniq(events.flatMap(e => e.macs))
  const load = async (build: (q: Knex.QueryBuilder) => unknown) => {
    const q = trx('cmdb_cis').select(CI_COLUMNS)
    build(q)
    for (const row of await q as CiRow[]) known.put(ciOf(row))
  }
  for (let i = 0; i < serials.length; i += CHUNK) await load(q => q.whereIn('serial', serials.slice(i, i + CHUNK)))
  for (let i = 0; i < uuids.length; i += CHUNK) await load(q => q.whereIn('hardware_uuid', uuids.slice(i, i + CHUNK)))
  for (let i = 0; i < hostnames.length; i += CHUNK) await load(q => q.whereIn('hostname', hostnames.slice(i, i + CHUNK)))
  for (let i = 0; i < macs.length; i += CHUNK) {
    await load(q => q.whereIn('id', trx('cmdb_ci_values').select('ci_id').where('field', 'macs').whereIn('value', macs.slice(i, i + CHUNK))))
  }
  for (const row of await findByNames<CiRow>(trx, events.map(e => [e.ciType, nameOf(e).toLowerCase()]), CI_COLUMNS)) known.put(ciOf(row))
  return known
}

const sentKeys = (d: Discovered, id: Identifier): string[] => (id === 'macs' ? d.macs : d[id] === null ? [] : [d[id] as string])

/**
 * Serial, then hardware UUID, then MAC, then hostname: the first identifier that finds CIs
 * decides. More than one CI, or one whose stronger identifier contradicts the event (same
 * hostname, other serial: a different machine), is ambiguous: a person decides, we never guess.
 */
export function match (known: Known, d: Discovered): Outcome {
  for (const [rank, id] of IDENTIFIERS.entries()) {
    const keys = sentKeys(d, id)
    if (keys.length === 0) continue
    const ids = known.find(id, keys)
    if (ids.size === 0) continue
    const candidates = [...ids].map(cid => ({ id: cid, matchedBy: id }))
    if (ids.size > 1) return { kind: 'ambiguous', reason: `several CIs share the ${id}`, candidates }
    const ci = known.cis.get(candidates[0]!.id) as Ci
    for (const stronger of IDENTIFIERS.slice(0, rank)) {
      if (stronger === 'macs') {
        if (d.macs.length > 0 && ci.macs.length > 0 && !d.macs.some(m => ci.macs.includes(m))) return { kind: 'ambiguous', reason: `matched by ${id}, but the MACs differ`, candidates }
      } else if (d[stronger] !== null && ci[stronger] !== null && d[stronger] !== ci[stronger]) {
        return { kind: 'ambiguous', reason: `matched by ${id}, but the ${stronger} differs`, candidates }
      }
    }
    return { kind: 'match', ci, by: id }
  }
  return { kind: 'none' }
}

interface OpenReview { id: string, isNew: boolean, identity: string, d: Discovered, reason: string, candidates: Candidate[], seen: number, firstSeen: Date }

const actorOf = (d: Discovered): Actor => ({ kind: 'discovery', id: d.deviceId, name: null, source: d.source })
const actorKey = (d: Discovered) => `${d.deviceId}\u0000${d.source}`

/**
 * Reconciles a batch of discovery events in the caller's transaction: matches each against the
 * CMDB, creates or updates CIs, or files an ambiguous one for review. Writes are batched (a few
 * statements per batch, not per event); the change log groups a batch under one request id.
 */
export async function reconcile (trx: Transaction, tenantId: string, events: Discovered[], options: { publish: CiPublisher | null, registry?: Registry, requestId?: string }): Promise<ReconcileResult> {
  const result: ReconcileResult = { created: [], updated: [], unchanged: 0, review: [], lockedKept: 0, skipped: [], ciBySeq: new Map() }
  if (events.length === 0) return result
  const registry = options.registry ?? await loadRegistry(trx)
  const known = await loadKnown(trx, events)
  const at = new Date()
  const requestId = options.requestId ?? `discovery-${events[0]!.seq}`

  const identities = [...new Set(events.map(identityOf))]
  const open = new Map<string, OpenReview>()
  for (let i = 0; i < identities.length; i += CHUNK) {
    const rows = await trx('cmdb_review').select('id', 'identity', 'seen', 'first_seen').where('state', 'open').whereIn('identity', identities.slice(i, i + CHUNK)) as Array<{ id: string, identity: string, seen: number, first_seen: Date | string }>
    for (const r of rows) open.set(r.identity, { id: r.id, isNew: false, identity: r.identity, d: events[0]!, reason: '', candidates: [], seen: r.seen, firstSeen: new Date(r.first_seen) })
  }
  const touchedReview = new Set<string>()
  const fileForReview = (d: Discovered, reason: string, candidates: Candidate[]) => {
    const identity = identityOf(d)
    const item = open.get(identity) ?? { id: randomUUID(), isNew: true, identity, d, reason, candidates, seen: 0, firstSeen: at }
    Object.assign(item, { d, reason: reason.slice(0, 200), candidates: candidates.slice(0, 50), seen: item.seen + 1 })
    open.set(identity, item)
    touchedReview.add(identity)
  }

  // Per CI: the state before the batch (absent for CIs the batch creates) and who touched it first.
  const created = new Map<string, { ci: Ci, actor: string }>()
  const updated = new Map<string, { before: Ci, actor: string }>()
  const actors = new Map<string, Actor>()

  for (const d of events) {
    actors.set(actorKey(d), actorOf(d))
    const outcome = match(known, d)
    if (outcome.kind === 'ambiguous') { fileForReview(d, outcome.reason, outcome.candidates); continue }
    if (outcome.kind === 'none') {
      const type = registry.get(d.ciType)
      if (!type) { fileForReview(d, `no CI type "${d.ciType}"`, []); continue }
      const taken = known.find('name', [`${type.key}\u0000${nameOf(d).toLowerCase()}`])
      if (taken.size > 0) { fileForReview(d, `a ${type.key} named "${nameOf(d)}" exists with other identifiers`, [...taken].map(id => ({ id, matchedBy: 'name' }))); continue }
      const { ci, skipped } = createDiscovered(d, type, at)
      result.skipped.push(...skipped.map(s => ({ ...s, seq: d.seq })))
      known.put(ci)
      created.set(ci.id, { ci, actor: actorKey(d) })
      result.ciBySeq.set(d.seq, { id: ci.id, name: ci.name })
      continue
    }
    const ci = outcome.ci
    result.ciBySeq.set(d.seq, { id: ci.id, name: ci.name })
    const type = registry.get(ci.type)
    if (!type) { fileForReview(d, `the matched CI has the type "${ci.type}", which no longer exists`, [{ id: ci.id, matchedBy: outcome.by }]); continue }
    const applied = applyDiscovered(ci, d, type)
    result.skipped.push(...applied.skipped.map(s => ({ ...s, seq: d.seq })))
    result.lockedKept += applied.locked.length
    if (applied.changed.length === 0) { result.unchanged++; continue }
    known.put(applied.after)
    const pending = created.get(ci.id)
    if (pending) pending.ci = applied.after
    else if (!updated.has(ci.id)) updated.set(ci.id, { before: ci, actor: actorKey(d) })
  }

  // One write for the whole batch; the change log still names, per CI, the appliance and
  // source whose event touched it first.
  const ctx: ChangeContext = { actor: actorOf(events[0]!), requestId, message: null, at, publish: options.publish }
  const who = new Map<string, Actor>()
  for (const [id, c] of created) who.set(id, actors.get(c.actor) as Actor)
  for (const [id, u] of updated) who.set(id, actors.get(u.actor) as Actor)
  const inserts = [...created.keys()].map(id => known.cis.get(id) as Ci)
  await insertCis(trx, tenantId, inserts, ctx, who)
  const written = await updateCis(trx, tenantId, [...updated.entries()].map(([id, u]) => ({ before: u.before, after: known.cis.get(id) as Ci })), ctx, who)
  result.created.push(...inserts.map(c => c.id))
  result.updated.push(...written.map(c => c.id))

  const items = [...touchedReview].map(identity => open.get(identity) as OpenReview)
  const fresh = items.filter(i => i.isNew).map(i => ({
    tenant_id: tenantId, id: i.id, state: 'open', reason: i.reason, identity: i.identity, device_id: i.d.deviceId, source: i.d.source,
    event_id: i.d.eventId, data: JSON.stringify(eventData(i.d)), candidates: JSON.stringify(i.candidates), seen: i.seen, first_seen: i.firstSeen, last_seen: at
  }))
  for (let i = 0; i < fresh.length; i += CHUNK) await trx('cmdb_review').insert(fresh.slice(i, i + CHUNK))
  for (const i of items.filter(x => !x.isNew)) {
    await trx('cmdb_review').where({ id: i.id }).update({
      reason: i.reason, device_id: i.d.deviceId, source: i.d.source, event_id: i.d.eventId, data: JSON.stringify(eventData(i.d)),
      candidates: JSON.stringify(i.candidates), seen: i.seen, last_seen: at
    })
  }
  result.review = items.map(i => i.id)
  return result
}
