import type { FastifyInstance } from 'fastify'
import { ApiError, type Transaction } from '@monozu/kernel'
import { changeContext, invalid, notFound, tenantOf } from '../http.ts'
import type { Live } from '../live.ts'
import { withField, type ChangeContext, type Ci } from '../cis/model.ts'
import { ciOf, CI_COLUMNS, updateCis, type CiRow } from '../cis/store.ts'
import { BUILTIN_TYPES } from './builtin.ts'
import { checkFields, fieldSchema, storedField, typeKeySchema } from './definitions.ts'
import type { FieldDef, TypeDef } from './model.ts'
import { loadRegistry, type Registry } from './registry.ts'

const typeParams = { type: 'object', required: ['key'], properties: { key: typeKeySchema } } as const
const fieldsArray = { type: 'array', maxItems: 100, items: fieldSchema } as const
const MAX_TYPES = 200

const fieldOut = { type: 'object', additionalProperties: true, properties: { key: { type: 'string' }, label: { type: 'string' }, kind: { type: 'string' } } }
const typeOut = {
  type: 'object',
  properties: {
    key: { type: 'string' }, label: { type: 'string' }, description: { type: ['string', 'null'] }, builtin: { type: 'boolean' },
    fields: { type: 'array', items: fieldOut }
  }
} as const

const present = (t: TypeDef) => ({ key: t.key, label: t.label, description: t.description, builtin: t.builtin, fields: t.fields.map(f => ({ ...f, builtin: f.builtin === true })) })

/**
 * Removes the values of fields a type no longer has, through the CI write path, so every
 * affected CI gets a change-log entry. Runs in batches inside the caller's transaction.
 */
async function clearFields (trx: Transaction, tenantId: string, type: string, keys: string[], ctx: ChangeContext): Promise<number> {
  if (keys.length === 0) return 0
  let cleared = 0
  let after = ''
  for (;;) {
    const rows = await trx('cmdb_cis').select(CI_COLUMNS).where('type', type).where('id', '>', after || '00000000-0000-0000-0000-000000000000')
      .whereIn('id', trx('cmdb_ci_values').select('ci_id').whereIn('field', keys)).orderBy('id').limit(1000).forUpdate() as CiRow[]
    if (rows.length === 0) return cleared
    const pairs = rows.map(ciOf).map(before => {
      let next: Ci = before
      const sources = { ...before.sources }
      for (const key of keys) { next = { ...next, ...withField(next, key, null) }; delete sources[key] }
      return { before, after: { ...next, sources, locked: before.locked.filter(k => !keys.includes(k)) } }
    })
    cleared += (await updateCis(trx, tenantId, pairs, ctx)).length
    after = rows[rows.length - 1]!.id
  }
}

function checkDefinition (registry: Registry, key: string, fields: FieldDef[], builtin: TypeDef | undefined): void {
  const errors = checkFields(fields, new Set((builtin?.fields ?? []).map(f => f.key)), registry, key)
  if (errors.length > 0) throw invalid(errors)
}

export function typeRoutes (app: FastifyInstance, live: Live): void {
  app.get('/api/v1/cmdb/types', {
    config: { permission: 'cmdb.read' },
    schema: { summary: 'Every CI type of the tenant (built-in first) with its fields', response: { 200: { type: 'object', properties: { items: { type: 'array', items: typeOut }, nextCursor: { type: 'null' } } } } }
  }, async request => {
    const registry = await request.withTenant(loadRegistry)
    return { items: [...registry.types.values()].map(present), nextCursor: null }
  })

  app.get('/api/v1/cmdb/types/:key', {
    config: { permission: 'cmdb.read' },
    schema: { params: typeParams, response: { 200: typeOut } }
  }, async request => {
    const { key } = request.params as { key: string }
    const type = (await request.withTenant(loadRegistry)).get(key)
    if (!type) throw notFound('CI type', key)
    return present(type)
  })

  app.post('/api/v1/cmdb/types', {
    config: { permission: 'cmdb.admin' },
    schema: {
      summary: 'Define a CI type with custom fields',
      body: { type: 'object', required: ['key', 'label'], properties: { key: typeKeySchema, label: { type: 'string', minLength: 1, maxLength: 100 }, description: { type: 'string', maxLength: 500 }, fields: fieldsArray } },
      response: { 201: typeOut }
    }
  }, async (request, reply) => {
    const body = request.body as { key: string, label: string, description?: string, fields?: FieldDef[] }
    const fields = (body.fields ?? []).map(storedField)
    const type = await request.withTenant(async trx => {
      const registry = await loadRegistry(trx)
      if (registry.get(body.key)) throw new ApiError('conflict', `A CI type "${body.key}" already exists`, { extra: { errors: [{ in: 'body', pointer: '/key', message: 'is taken', rule: 'unique' }] } })
      if ([...registry.types.values()].filter(t => !t.builtin).length >= MAX_TYPES) throw new ApiError('conflict', `A tenant can define at most ${MAX_TYPES} types`)
      checkDefinition(registry, body.key, fields, undefined)
      const now = new Date()
      await trx('cmdb_types').insert({ tenant_id: tenantOf(request), key: body.key, builtin: false, label: body.label, description: body.description ?? null, fields: JSON.stringify(fields), created_at: now, updated_at: now })
      return { key: body.key, label: body.label, description: body.description ?? null, builtin: false, fields }
    })
    live.publish(tenantOf(request), 'type.changed', { key: type.key })
    return reply.code(201).send(present(type))
  })

  app.patch('/api/v1/cmdb/types/:key', {
    config: { permission: 'cmdb.admin' },
    schema: {
      summary: 'Change a type; `fields` replaces its custom fields (values of removed fields are cleared and logged)',
      params: typeParams,
      body: { type: 'object', properties: { label: { type: 'string', minLength: 1, maxLength: 100 }, description: { type: ['string', 'null'], maxLength: 500 }, fields: fieldsArray } },
      response: { 200: { ...typeOut, properties: { ...typeOut.properties, cleared: { type: 'integer' } } } }
    }
  }, async request => {
    const { key } = request.params as { key: string }
    const body = request.body as { label?: string, description?: string | null, fields?: FieldDef[] }
    const ctx = changeContext(request, live, `type ${key} changed`)
    const result = await request.withTenant(async trx => {
      const registry = await loadRegistry(trx)
      const current = registry.get(key)
      if (!current) throw notFound('CI type', key)
      const builtin = BUILTIN_TYPES.find(t => t.key === key)
      if (builtin && (body.label !== undefined || body.description !== undefined)) {
        throw invalid([{ in: 'body', pointer: body.label !== undefined ? '/label' : '/description', message: 'built-in types keep their label and description; only custom fields can be changed', rule: 'immutable' }])
      }
      const oldCustom = current.fields.filter(f => !f.builtin)
      const fields = body.fields ? body.fields.map(storedField) : oldCustom
      checkDefinition(registry, key, fields, builtin)
      const changedKind = fields.find(f => { const old = oldCustom.find(o => o.key === f.key); return old && old.kind !== f.kind })
      if (changedKind) throw new ApiError('conflict', `Field "${changedKind.key}" cannot change its kind; remove it and add a new field`, { extra: { errors: [{ in: 'body', pointer: `/fields/${fields.indexOf(changedKind)}/kind`, message: 'cannot change', rule: 'immutable' }] } })
      const removed = oldCustom.filter(o => !fields.some(f => f.key === o.key)).map(f => f.key)
      const now = new Date()
      const row = {
        label: builtin ? builtin.label : body.label ?? current.label,
        description: builtin ? null : body.description !== undefined ? body.description : current.description,
        fields: JSON.stringify(fields),
        updated_at: now
      }
      await trx('cmdb_types').insert({ tenant_id: tenantOf(request), key, builtin: Boolean(builtin), created_at: now, ...row })
        .onConflict(['tenant_id', 'key']).merge(row)
      const cleared = await clearFields(trx, tenantOf(request), key, removed, ctx)
      return { type: (await loadRegistry(trx)).get(key) as TypeDef, cleared }
    })
    live.publish(tenantOf(request), 'type.changed', { key })
    return { ...present(result.type), cleared: result.cleared }
  })

  app.delete('/api/v1/cmdb/types/:key', {
    config: { permission: 'cmdb.admin' },
    schema: { summary: 'Delete a tenant-defined type that no CI uses', params: typeParams }
  }, async (request, reply) => {
    const { key } = request.params as { key: string }
    await request.withTenant(async trx => {
      const registry = await loadRegistry(trx)
      const type = registry.get(key)
      if (!type) throw notFound('CI type', key)
      if (type.builtin) throw new ApiError('conflict', `"${key}" is a built-in type and cannot be deleted`)
      const used = await trx('cmdb_cis').first('id').where('type', key)
      if (used) throw new ApiError('conflict', `CIs of type "${key}" exist; delete them first`)
      const referring = [...registry.types.values()].flatMap(t => t.fields.filter(f => f.refType === key).map(f => `${t.key}.${f.key}`))
      if (referring.length > 0) throw new ApiError('conflict', `Fields refer to type "${key}": ${referring.join(', ')}`)
      await trx('cmdb_types').where({ key }).del()
    })
    live.publish(tenantOf(request), 'type.changed', { key, deleted: true })
    return reply.code(204).send()
  })
}
