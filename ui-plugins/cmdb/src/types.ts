/** Shapes of the CMDB API (plugins/cmdb/src: cis, types, relations, history, csv, review). */
import { CORE_FIELDS, FIELD_KEY as FIELD_KEY_PATTERN, TYPE_KEY as TYPE_KEY_PATTERN, type CoreField, type CoreValues, type Provenance } from '@monozu/plugin-cmdb/model'

// The field definitions are the server's own (plain data, no server code in the bundle).
export { CORE_FIELDS, FIELD_KINDS, RESERVED_KEYS, RULES_BY_KIND, STATUSES } from '@monozu/plugin-cmdb/model'
export type { CoreField, CoreValues, FieldDef, FieldError, FieldKind, FieldRule, ImportReport, Provenance, RowPlan, Status, TypeDef as CiType } from '@monozu/plugin-cmdb/model'

/** The server's key patterns (JSON Schema strings) as expressions for the forms. */
export const TYPE_KEY = new RegExp(TYPE_KEY_PATTERN)
export const FIELD_KEY = new RegExp(FIELD_KEY_PATTERN)

/**
 * A machine's identifiers. The server keeps them for every CI, but the built-in types without
 * hardware (applications, services) neither show nor ask for them unless a value is stored.
 * Custom types keep them: a tenant's "UPS" or "rack" may well have a serial.
 */
const HARDWARE_FIELDS: readonly CoreField[] = ['serial', 'hardwareUuid', 'macs']
const WITHOUT_HARDWARE = new Set(['application', 'service'])

/** The core fields a CI of `typeKey` shows and edits (`ci`: its stored values, which always show). */
export function coreFieldsOf (typeKey: string, ci?: Partial<Record<CoreField, unknown>>): CoreField[] {
  const stored = (key: CoreField) => { const v = ci?.[key]; return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0) }
  return CORE_FIELDS.filter(key => !WITHOUT_HARDWARE.has(typeKey) || !HARDWARE_FIELDS.includes(key) || stored(key))
}

/** A CI: core fields and its type's fields flat beside its metadata. */
export interface Ci extends CoreValues {
  id: string
  type: string
  locked: string[]
  version: number
  createdAt: string
  updatedAt: string
  /** Only on single reads. */
  provenance?: Record<string, Provenance>
  [field: string]: unknown
}

export const RELATION_TYPES = ['depends_on', 'runs_on', 'hosts', 'connected_to'] as const
export type RelationType = typeof RELATION_TYPES[number]

export interface CiRef { id: string, type: string, name: string }

/** A relation reads "the source depends on the target". */
export interface Relation {
  id: string
  sourceId: string
  targetId: string
  type: RelationType
  createdAt: string
  source?: CiRef
  target?: CiRef
}

export interface Impact {
  ci: CiRef & { status: string }
  direction: 'up' | 'down'
  depth: number
  items: Array<CiRef & { status: string, distance: number }>
  edges: Array<{ relationId: string, sourceId: string, targetId: string, type: RelationType }>
  truncated: boolean
}

export interface Change {
  seq: string
  entity: 'ci' | 'relation'
  action: 'create' | 'update' | 'delete'
  ciId: string
  otherCiId: string | null
  relationId: string | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  actor: { kind: 'user' | 'import' | 'discovery' | 'review', id: string, name: string | null }
  requestId: string
  message: string | null
  at: string
}

export interface ProblemRow { in: string, pointer: string, message: string, rule?: string }

export const REVIEW_STATES = ['open', 'accepted', 'merged', 'rejected'] as const
export type ReviewState = typeof REVIEW_STATES[number]

export interface ReviewItem {
  id: string
  state: ReviewState
  reason: string
  deviceId: string
  source: string
  eventId: string | null
  event: Record<string, unknown>
  candidates: Array<{ id: string, matchedBy: string, type?: string, name?: string, serial?: string | null, hardwareUuid?: string | null, hostname?: string | null, deleted?: boolean }>
  seen: number
  firstSeen: string
  lastSeen: string
  resolvedAt: string | null
  resolvedBy: string | null
  ciId: string | null
}

/** Events on the channel `cmdb` (small: ids and what changed; pages read again what they show). */
export type CmdbEvent =
  | { event: 'ci.created' | 'ci.deleted', data: { id: string, type: string, name: string } }
  | { event: 'ci.updated', data: { id: string, type: string, name: string, version: number } }
  | { event: 'cis.changed', data: { requestId: string, ids: string[], created?: number, updated?: number } }
  | { event: 'relation.created' | 'relation.deleted', data: { id: string, sourceId: string, targetId: string, type: RelationType } }
  | { event: 'type.changed', data: { key: string, deleted?: boolean } }
  | { event: 'review.changed', data: { ids: string[] } }
  | { event: 'import.progress', data: { importId: string, phase: string, rows: number, errors: number, dryRun: boolean } }
