// The CMDB's field definitions and the API shapes its UI reads, shared with the UI module as
// `@monozu/plugin-cmdb/model`: it is bundled into the browser, so it imports nothing and holds only
// plain data and types.

/** The kinds a type field can have; the value each takes in JSON is in README.md. */
export const FIELD_KINDS = ['text', 'integer', 'boolean', 'date', 'url', 'select', 'reference'] as const
export type FieldKind = typeof FIELD_KINDS[number]

export type FieldRule = 'regex' | 'min' | 'max' | 'choices' | 'refType'
/** The rules each kind takes; a field definition with any other is refused. */
export const RULES_BY_KIND: Record<FieldKind, readonly FieldRule[]> = {
  text: ['regex', 'min', 'max'],
  url: ['regex', 'min', 'max'],
  integer: ['min', 'max'],
  boolean: [],
  date: [],
  select: ['choices'],
  reference: ['refType']
}

export interface FieldDef {
  key: string
  label: string
  kind: FieldKind
  description?: string
  /** User writes (API, CSV import) must give a value; discovery may create CIs without one. */
  required?: boolean
  /** text, url: the whole value must match (anchored by us). */
  regex?: string
  /** integer: the value; text, url: the length. */
  min?: number
  max?: number
  /** select: the allowed values. */
  choices?: string[]
  /** reference: the type the referenced CI must have (any type when absent). */
  refType?: string
  /** Built-in fields come with the type and cannot be changed or removed. */
  builtin?: boolean
}

export interface TypeDef {
  key: string
  label: string
  description: string | null
  builtin: boolean
  fields: FieldDef[]
}

/** Fields every CI has, stored in columns. Type fields may not reuse these keys. */
export const CORE_FIELDS = ['name', 'status', 'site', 'description', 'hostname', 'serial', 'hardwareUuid', 'macs'] as const
export type CoreField = typeof CORE_FIELDS[number]

/** Keys with a meaning of their own in a CI's JSON: never usable as field keys either. */
export const RESERVED_KEYS = new Set<string>([...CORE_FIELDS, 'id', 'type', 'locked', 'sources', 'provenance', 'version', 'createdAt', 'updatedAt', 'message', 'fields'])

export const STATUSES = ['planned', 'active', 'maintenance', 'retired'] as const
export type Status = typeof STATUSES[number]

/** Where a field's current value came from. */
export interface Provenance {
  by: 'user' | 'import' | 'discovery' | 'review'
  /** The user (user, import, review). */
  userId?: string
  /** The appliance that sent the discovery event, and its discovery tool. */
  deviceId?: string
  source?: string
  eventId?: string
  at: string
}

/** The core fields' values, as every CI carries them. */
export interface CoreValues {
  name: string
  status: string
  site: string | null
  description: string | null
  hostname: string | null
  serial: string | null
  hardwareUuid: string | null
  macs: string[]
}

/** A problem with one value, as problem+json `errors[]` lists it. */
export interface FieldError { in: string, pointer: string, message: string, rule: string }

/** What a CSV import does (or, in a dry run, would do) with one row. */
export interface RowPlan {
  row: number
  action: 'create' | 'update' | 'unchanged'
  id: string
  type: string
  name: string
  changes?: Record<string, { from: unknown, to: unknown }>
}

/** The answer of POST /api/v1/cmdb/import: counts, the first problems and the plan (or what was applied). */
export interface ImportReport {
  importId: string
  dryRun: boolean
  applied: boolean
  rows: number
  created: number
  updated: number
  unchanged: number
  errorCount: number
  errors: FieldError[]
  changes: RowPlan[]
  truncated: boolean
}

export const TYPE_KEY = '^[a-z][a-z0-9-]{1,39}$'
export const FIELD_KEY = '^[a-z][a-zA-Z0-9_]{0,39}$'
