import type { Knex } from 'knex'

/** Who or what an audit entry names, with a display name when the tenant's data has one. */
export interface ActivityParty {
  /** `user`, `device`, `operator`, `anonymous`, `email` (typed at sign-in), `system` (the kernel, the CLI, a sign-in provider) or `unknown` (a bare id that is no user of the tenant). */
  kind: string
  /** The id after the kind prefix (`user:<id>` → `<id>`), or the whole recorded value. */
  id: string
  name: string | null
}

/** One audit entry as the tenant's home page shows it. */
export interface ActivityEntry {
  at: string
  action: string
  actor: ActivityParty
  subject: ActivityParty | null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// Plugins record actors as `user:<id>`, `device:<id>` or a bare user id; the kernel adds
// `operator:<id>`, `anonymous@<ip>` and fixed names (`cli`, `seed`, `oidc`, `internal:management`).
// A bare id is a user as an actor; as a target it may be anything (a device, a command), so it is
// a user only if the tenant has one with that id.
function parse (value: string, bareId: 'user' | 'unknown'): ActivityParty {
  const m = /^(user|device|operator):(.+)$/.exec(value)
  if (m) return { kind: m[1] as string, id: m[2] as string, name: null }
  if (UUID.test(value)) return { kind: bareId, id: value, name: null }
  if (value.startsWith('anonymous@')) return { kind: 'anonymous', id: value, name: null }
  if (value.includes('@')) return { kind: 'email', id: value, name: null }
  return { kind: 'system', id: value, name: null }
}

function details (text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {}
  try { const d = JSON.parse(text); return d && typeof d === 'object' ? d : {} } catch { return {} }
}

/**
 * How a plugin names the subjects of its own audit entries (`<pluginId>.*` actions) by id, inside
 * the caller's tenant transaction: `ctx.tenants.nameSubjects((trx, ids) => ...)`.
 */
export type SubjectNamer = (trx: Knex.Transaction, ids: string[]) => Promise<Array<{ id: string, name: string }>>

// A name the entry itself recorded, for subjects no plugin names (deleted ones, too): the kernel
// cannot read plugins' tables (devices record the enrolled `hostname`).
const recordedName = (d: Record<string, unknown>): string | null =>
  [d.name, d.hostname].find((v): v is string => typeof v === 'string' && v.length > 0) ?? null

/**
 * The newest audit entries of the tenant in `trx` (already scoped by withTenant, so RLS keeps
 * every name inside the tenant), with users' names looked up, other subjects named by the plugin
 * whose action it is, and recorded names used for the rest.
 */
export async function recentActivity (trx: Knex.Transaction, limit: number, namers: ReadonlyMap<string, SubjectNamer> = new Map(), onNamerError: (plugin: string, err: unknown) => void = () => {}): Promise<ActivityEntry[]> {
  const rows: Array<{ at: Date, action: string, actor: string, target: string | null, details: string | null }> = await trx('audit_log')
    .orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit).select('at', 'action', 'actor', 'target', 'details')
  const entries = rows.map(r => {
    const d = details(r.details)
    const actor = parse(r.actor, 'user')
    const subject = r.target ? parse(r.target, 'unknown') : null
    if (actor.kind === 'device') actor.name = recordedName(d)
    else if (subject && subject.kind !== 'user') subject.name = recordedName(d)
    return { at: new Date(r.at).toISOString(), action: r.action, actor, subject }
  })
  const parties = entries.flatMap(e => [e.actor, e.subject]).filter((p): p is ActivityParty => p !== null)
  const userIds = [...new Set(parties.filter(p => (p.kind === 'user' || p.kind === 'unknown') && UUID.test(p.id)).map(p => p.id))]
  if (userIds.length > 0) {
    const users: Array<{ id: string, name: string, email: string }> = await trx('users').whereIn('id', userIds).select('id', 'name', 'email')
    const names = new Map(users.map(u => [u.id, u.name || u.email]))
    for (const p of parties) {
      const name = names.get(p.id)
      if (p.kind === 'user') p.name = name ?? null
      else if (p.kind === 'unknown' && name !== undefined) Object.assign(p, { kind: 'user', name })
    }
  }
  await namePluginSubjects(trx, entries, namers, onNamerError)
  // A sign-in's target is the email typed: show the person it belongs to, never a stranger's text.
  for (const e of entries) if (e.subject?.kind === 'email' && e.actor.kind === 'user') e.subject = null
  return entries
}

// Each plugin is asked only about the ids in its own entries, so it can neither see nor rename
// what other plugins or the kernel recorded. A failing namer is reported and leaves the recorded
// names; its statements run in a savepoint, so the rest of the transaction goes on.
async function namePluginSubjects (trx: Knex.Transaction, entries: ActivityEntry[], namers: ReadonlyMap<string, SubjectNamer>, onError: (plugin: string, err: unknown) => void): Promise<void> {
  const asked = new Map<string, ActivityParty[]>()
  for (const e of entries) {
    const plugin = e.action.split('.')[0] as string
    if (!namers.has(plugin)) continue
    for (const p of [e.actor, e.subject]) if (p && (p.kind === 'device' || p.kind === 'unknown') && UUID.test(p.id)) asked.set(plugin, [...(asked.get(plugin) ?? []), p])
  }
  for (const [plugin, parties] of asked) {
    const ids = [...new Set(parties.map(p => p.id))]
    const named = await trx.transaction(sp => (namers.get(plugin) as SubjectNamer)(sp, ids)).catch((err: unknown) => { onError(plugin, err); return [] })
    const names = new Map(named.filter(n => ids.includes(n.id) && typeof n.name === 'string').map(n => [n.id, n.name]))
    for (const p of parties) p.name = names.get(p.id) ?? p.name
  }
}
