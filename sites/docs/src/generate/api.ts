// Turns the kernel's OpenAPI document into what the API reference pages show: operations grouped
// by tag (kernel areas and plugin ids), and JSON Schemas flattened into table rows.

export interface Schema {
  type?: string | string[]
  format?: string
  enum?: unknown[]
  const?: unknown
  default?: unknown
  description?: string
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  oneOf?: Schema[]
  anyOf?: Schema[]
  allOf?: Schema[]
  additionalProperties?: boolean | Schema
  [constraint: string]: unknown
}

interface Parameter { name: string, in: string, required?: boolean, description?: string, schema?: Schema }
interface Media { schema?: Schema }
interface Operation {
  summary?: string
  description?: string
  tags?: string[]
  parameters?: Parameter[]
  requestBody?: { required?: boolean, description?: string, content?: Record<string, Media> }
  responses?: Record<string, { description?: string, content?: Record<string, Media> }>
  security?: unknown[]
}
export interface OpenApiDocument {
  info: { title: string, version: string, description?: string }
  paths: Record<string, Record<string, Operation>>
}
export interface PluginLabel { id: string, name: string, description: string }

export interface Row { name: string, type: string, required: boolean, notes: string }
export interface Body { contentType: string, rows: Row[] }
export interface OperationView {
  id: string
  method: string
  path: string
  summary: string
  description: string
  auth: 'bearer' | 'none'
  parameters: Array<Row & { in: string }>
  body: Body | null
  bodyRequired: boolean
  responses: Array<{ status: string, description: string, body: Body | null }>
}
export interface TagGroup { tag: string, slug: string, label: string, blurb: string, operations: OperationView[] }

const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace']

/** Kernel areas in reading order; plugin tags follow alphabetically, then these last ones. */
const kernelTags: Record<string, { label: string, blurb: string }> = {
  system: { label: 'System', blurb: 'Health and the public signing keys. No token needed.' },
  auth: { label: 'Sign-in and sessions', blurb: 'Password and Microsoft Entra ID sign-in, the refresh cookie, invitations.' },
  identity: { label: 'Me and identity provider', blurb: 'The signed-in user, the modules they see, and the tenant\'s identity provider.' },
  users: { label: 'Users', blurb: 'The tenant\'s users and their roles (tenant admins).' },
  jobs: { label: 'Jobs', blurb: 'The tenant\'s background jobs (tenant admins).' },
  audit: { label: 'Audit log', blurb: 'Who did what in the tenant (tenant admins).' },
  notifications: { label: 'Notifications', blurb: 'My own notifications: the list, unread count, marking read, and which types reach me by which channel.' }
}
/** The internal and operator tags are not here: the public document has none (audience.ts). */
const trailingTags: Record<string, { label: string, blurb: string }> = {}

export const slugify = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

function rank (tag: string): number {
  const kernel = Object.keys(kernelTags).indexOf(tag)
  if (kernel !== -1) return kernel
  const trailing = Object.keys(trailingTags).indexOf(tag)
  return trailing === -1 ? 100 : 200 + trailing
}

/** Every operation of the document exactly once, under its first tag, in a stable order. */
export function groupByTag (doc: OpenApiDocument, plugins: PluginLabel[] = []): TagGroup[] {
  const groups = new Map<string, TagGroup>()
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!methods.includes(method)) continue
      const tag = op.tags?.[0] ?? 'other'
      let group = groups.get(tag)
      if (!group) {
        const plugin = plugins.find(p => p.id === tag)
        const known = kernelTags[tag] ?? trailingTags[tag]
        group = {
          tag,
          slug: slugify(tag),
          label: known?.label ?? (plugin ? `${plugin.name} module` : tag),
          blurb: known?.blurb ?? (plugin ? `${plugin.description} Routes of the \`${tag}\` plugin.` : ''),
          operations: []
        }
        groups.set(tag, group)
      }
      group.operations.push(operationView(method, path, op))
    }
  }
  const ordered = [...groups.values()].sort((a, b) => rank(a.tag) - rank(b.tag) || a.tag.localeCompare(b.tag))
  for (const g of ordered) g.operations.sort((a, b) => a.path.localeCompare(b.path) || methods.indexOf(a.method.toLowerCase()) - methods.indexOf(b.method.toLowerCase()))
  return ordered
}

function operationView (method: string, path: string, op: Operation): OperationView {
  const params = (op.parameters ?? []).map(p => ({ ...row(p.schema ?? {}, p.name, p.required === true), in: p.in, ...(p.description ? { notes: join(p.description, notesOf(p.schema ?? {})) } : {}) }))
  return {
    id: slugify(`${method} ${path}`),
    method: method.toUpperCase(),
    path,
    summary: op.summary ?? '',
    description: op.description ?? '',
    auth: Array.isArray(op.security) && op.security.length === 0 ? 'none' : 'bearer',
    parameters: params,
    body: bodyOf(op.requestBody?.content),
    bodyRequired: op.requestBody?.required === true,
    responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({
      status,
      description: r.description && r.description !== 'Default Response' ? r.description : '',
      body: bodyOf(r.content)
    }))
  }
}

function bodyOf (content: Record<string, Media> | undefined): Body | null {
  const entry = Object.entries(content ?? {})[0]
  if (!entry) return null
  const [contentType, media] = entry
  return { contentType, rows: schemaRows(media.schema ?? {}) }
}

/** A schema as rows: an object's fields by dotted path (`items[].id`), anything else as one row. */
export function schemaRows (schema: Schema): Row[] {
  const rows: Row[] = []
  if (schema.properties) walk(schema, '', rows, 0)
  else if (schema.type === 'array' && schema.items?.properties) walk(schema.items, '[]', rows, 0)
  else if (Object.keys(schema).length > 0) rows.push(row(schema, '(body)', true))
  return rows
}

function walk (schema: Schema, prefix: string, rows: Row[], depth: number): void {
  const required = new Set(schema.required ?? [])
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name)
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : null
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    rows.push(row(child, at(name), required.has(name)))
    if (depth >= 5) continue
    if (child.properties) walk(child, at(name), rows, depth + 1)
    else if (child.items?.properties) walk(child.items, `${at(name)}[]`, rows, depth + 1)
  }
  // Required fields the schema leaves to additionalProperties (a CI's name among its type's fields).
  for (const name of required) if (!schema.properties?.[name]) rows.push(row(extra ?? {}, at(name), true))
  if (extra) {
    const names = (schema.propertyNames as Schema | undefined)?.pattern
    rows.push({ ...row(extra, at('*'), false), notes: join(`any other field${names ? ` named like ${names}` : ''}`, notesOf(extra)) })
  }
}

function row (schema: Schema, name: string, required: boolean): Row {
  return { name, type: typeOf(schema), required, notes: notesOf(schema) }
}

export function typeOf (s: Schema): string {
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.enum) return s.enum.map(v => JSON.stringify(v)).join(' | ')
  const variants = s.oneOf ?? s.anyOf
  if (variants) return variants.map(typeOf).join(' | ')
  if (s.allOf) return s.allOf.map(typeOf).join(' & ')
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.length === 0) return s.properties ? 'object' : 'any'
  return types.map(t => {
    if (t === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`.replace(/^(.* \| .*)\[\]$/, '($1)[]')
    if (t === 'string' && s.format) return `string (${s.format})`
    return t
  }).join(' | ')
}

const join = (...parts: string[]) => parts.filter(Boolean).join('; ')

export function notesOf (s: Schema): string {
  const notes: string[] = []
  const range = (min: unknown, max: unknown, unit = '') => {
    if (min !== undefined && max !== undefined) notes.push(`${unit}${min}-${max}`)
    else if (min !== undefined) notes.push(`${unit}at least ${min}`)
    else if (max !== undefined) notes.push(`${unit}at most ${max}`)
  }
  if (s.description) notes.push(s.description)
  range(s.minLength, s.maxLength, 'length ')
  range(s.minimum, s.maximum)
  range(s.minItems, s.maxItems, 'items ')
  range(s.minProperties, s.maxProperties, 'fields ')
  if (s.uniqueItems) notes.push('unique items')
  if (typeof s.pattern === 'string') notes.push(`pattern ${s.pattern}`)
  if (s.default !== undefined) notes.push(`default ${JSON.stringify(s.default)}`)
  return notes.join('; ')
}
