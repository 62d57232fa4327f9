import type { FastifyInstance } from 'fastify'
import { ApiError, pageOf, pageQuery } from '@monozu/kernel'
import { changeContext, invalid, messageSchema, notFound, tenantOf, uuidParam } from '../http.ts'
import { idsOf, type Live } from '../live.ts'
import { FIELD_KEY, TYPE_KEY } from '../types/model.ts'
import { loadRegistry } from '../types/registry.ts'
import type { Ci } from './model.ts'
import { ciSchema, present } from './present.ts'
import { FIELD_FILTER, filterQuery, filtersOf, listPage } from './query.ts'
import { createCi, patched, patchCi, removeCis } from './service.ts'
import { ciOf, fetchCi, fetchCis, updateCis, type CiRow } from './store.ts'

// Any JSON value: the server checks each against the CI type's field (a union type here would
// only make Ajv log strict-mode warnings; the body limit bounds the size).
const anyValue = {}
const locked = { type: 'array', maxItems: 100, uniqueItems: true, items: { type: 'string', pattern: FIELD_KEY } }

// A CI body: the core fields, then the type's fields flat beside them (checked against the type
// by the server, one error per field, since JSON Schema cannot know a tenant's types).
const fieldsBody = (required: string[]) => ({
  type: 'object',
  required,
  maxProperties: 120,
  propertyNames: { pattern: FIELD_KEY },
  properties: {
    type: { type: 'string', pattern: TYPE_KEY },
    locked,
    message: messageSchema
  },
  additionalProperties: anyValue
})

function split (body: Record<string, unknown>): { locked?: string[], message?: string, fields: Record<string, unknown> } {
  const { type: _type, locked: l, message, ...fields } = body
  return { ...(l ? { locked: l as string[] } : {}), ...(typeof message === 'string' ? { message } : {}), fields }
}

/** `If-Match: "3"` (or 3): the version the client last saw; a newer one is a 409 instead of a lost update. */
function expectedVersion (header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim())
  if (!m) throw invalid([{ in: 'headers', pointer: '/if-match', message: 'must be the CI version, e.g. "3"', rule: 'type' }])
  return Number(m[1])
}

export function ciRoutes (app: FastifyInstance, live: Live): void {
  app.get('/api/v1/cmdb/cis', {
    config: { permission: 'cmdb.read' },
    schema: {
      summary: 'List CIs: filter, search, sort, paginate',
      querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery.properties, ...filterQuery }, patternProperties: { [FIELD_FILTER]: { type: 'string', maxLength: 256 } } },
      response: { 200: pageOf(ciSchema) }
    }
  }, async request => {
    const query = request.query as Record<string, unknown> & { limit: number, cursor?: string }
    const { rows, nextCursor } = await request.withTenant(async trx => listPage(trx, await loadRegistry(trx), filtersOf(query), query.limit, query.cursor))
    return { items: rows.map(r => present(ciOf(r as unknown as CiRow))), nextCursor }
  })

  app.get('/api/v1/cmdb/cis/:id', {
    config: { permission: 'cmdb.read' },
    schema: { summary: 'One CI with the provenance of each field', params: uuidParam, response: { 200: ciSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const ci = await request.withTenant(trx => fetchCi(trx, id))
    if (!ci) throw notFound('CI', id)
    return present(ci, { provenance: true })
  })

  app.post('/api/v1/cmdb/cis', {
    config: { permission: 'cmdb.write' },
    schema: { summary: 'Create a CI: { type, name, ...fields }', body: fieldsBody(['type', 'name']), response: { 201: ciSchema } }
  }, async (request, reply) => {
    const body = request.body as Record<string, unknown> & { type: string }
    const input = split(body)
    const ctx = changeContext(request, live, input.message)
    const ci = await request.withTenant(async trx => createCi(trx, tenantOf(request), await loadRegistry(trx), { type: body.type, ...input }, ctx))
    live.publish(tenantOf(request), 'ci.created', { id: ci.id, type: ci.type, name: ci.name })
    return reply.code(201).send(present(ci, { provenance: true }))
  })

  app.patch('/api/v1/cmdb/cis/:id', {
    config: { permission: 'cmdb.write' },
    schema: { summary: 'Change fields (null clears one) or locks; optional If-Match: "<version>"', params: uuidParam, body: fieldsBody([]), response: { 200: ciSchema } }
  }, async request => {
    const { id } = request.params as { id: string }
    const body = request.body as Record<string, unknown>
    const version = expectedVersion(request.headers['if-match'])
    const input = split(body)
    const ctx = changeContext(request, live, input.message)
    const { before, after } = await request.withTenant(async trx => {
      const ci = await fetchCi(trx, id, { forUpdate: true })
      if (!ci) throw notFound('CI', id)
      if (body.type !== undefined && body.type !== ci.type) throw invalid([{ in: 'body', pointer: '/type', message: 'cannot be changed; create a CI of the new type instead', rule: 'immutable' }])
      if (version !== undefined && version !== ci.version) throw new ApiError('conflict', `CI ${id} is at version ${ci.version}, not ${version}: re-read it and apply your change again`, { extra: { currentVersion: ci.version } })
      return { before: ci, after: await patchCi(trx, tenantOf(request), await loadRegistry(trx), ci, input, ctx) }
    })
    if (after.version !== before.version) live.publish(tenantOf(request), 'ci.updated', { id, type: after.type, name: after.name, version: after.version })
    return present(after, { provenance: true })
  })

  app.delete('/api/v1/cmdb/cis/:id', {
    config: { permission: 'cmdb.write' },
    schema: { summary: 'Delete a CI and its relations', params: uuidParam, querystring: { type: 'object', properties: { message: messageSchema } } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const { message } = request.query as { message?: string }
    const ci = await request.withTenant(async trx => {
      const found = await fetchCi(trx, id, { forUpdate: true })
      if (!found) throw notFound('CI', id)
      await removeCis(trx, tenantOf(request), await loadRegistry(trx), [found], changeContext(request, live, message))
      return found
    })
    live.publish(tenantOf(request), 'ci.deleted', { id, type: ci.type, name: ci.name })
    return reply.code(204).send()
  })

  app.post('/api/v1/cmdb/cis/bulk', {
    config: { permission: 'cmdb.write' },
    schema: {
      summary: 'Apply one change to many CIs, all or nothing, under one request id',
      body: {
        type: 'object',
        required: ['ids', 'set'],
        properties: {
          ids: { type: 'array', minItems: 1, maxItems: 1000, uniqueItems: true, items: { type: 'string', format: 'uuid' } },
          set: { ...fieldsBody([]), properties: { locked, message: messageSchema } },
          message: messageSchema
        }
      }
    }
  }, async request => {
    const { ids, set, message } = request.body as { ids: string[], set: Record<string, unknown>, message?: string }
    const input = split(set)
    if (input.fields.name !== undefined) throw invalid([{ in: 'body', pointer: '/set/name', message: 'names are unique per type: rename CIs one at a time with PATCH', rule: 'unique' }])
    const ctx = changeContext(request, live, message)
    const written = await request.withTenant(async trx => {
      const registry = await loadRegistry(trx)
      const found = await fetchCis(trx, ids, { forUpdate: true })
      const missing = ids.findIndex(id => !found.has(id))
      if (missing >= 0) throw notFound('CI', ids[missing] as string)
      const pairs: Array<{ before: Ci, after: Ci }> = []
      const errors = []
      for (const [i, id] of ids.entries()) {
        const before = found.get(id) as Ci
        const r = await patched(trx, registry, before, input, ctx, key => `/set/${key}`)
        errors.push(...r.errors.map(e => ({ ...e, message: `${e.message} (CI ${i}: ${id})` })))
        pairs.push({ before, after: r.after })
      }
      if (errors.length > 0) throw invalid(errors)
      return updateCis(trx, tenantOf(request), pairs, ctx)
    })
    if (written.length > 0) live.publish(tenantOf(request), 'cis.changed', { requestId: request.id, updated: written.length, ids: idsOf(written.map(c => c.id)) })
    return { requestId: request.id, updated: written.length, unchanged: ids.length - written.length }
  })
}
