import type { Feature, T } from '@monozu/ui-sdk'

/** Who or what an entry names (GET /api/v1/overview/summary `recentActivity[].actor/subject`). */
export interface Party { kind: string, id: string, name: string | null }
export interface Activity { at: string, action: string, actor: Party, subject: Party | null }

// Fixed actors the kernel records, by their recorded value.
const SYSTEM_ACTORS: Record<string, string> = { cli: 'who.cli', seed: 'who.seed', oidc: 'who.oidc', 'internal:management': 'who.management', 'internal:license-webhook': 'who.management' }

/** The actor as people call it: the name, else what kind of actor it was (never a raw id). */
export function actorLabel (t: T, p: Party): string {
  if (p.name) return p.name
  if (p.kind === 'system') return t(SYSTEM_ACTORS[p.id] ?? 'who.system')
  return t(t.has(`who.${p.kind}`) ? `who.${p.kind}` : 'who.unknown')
}

/**
 * One sentence per entry in the user's language. A known action with a named subject uses
 * `act.<action>+` ("Anna Nowak revoked edge-03"), without one `act.<action>`; an action no
 * message knows (a newer module's) reads "<actor> · <what> (<module>)" from its code.
 */
export function sentence (t: T, a: Activity, features: Feature[] = []): string {
  const actor = actorLabel(t, a.actor)
  const subject = a.subject?.name ?? (a.subject?.kind === 'email' ? a.subject.id : null)
  if (subject && t.has(`act.${a.action}+`)) return t(`act.${a.action}+`, { actor, subject })
  if (t.has(`act.${a.action}`)) return t(`act.${a.action}`, { actor })
  const [module, ...rest] = a.action.split('.')
  const feature = features.find(f => f.id === module)
  const what = (rest.length > 0 ? rest : [module ?? a.action]).join(' ').replace(/_/g, ' ')
  return t('act.unknown', { actor, what, module: feature ? t.pick(feature.name) : (module ?? '') })
}
