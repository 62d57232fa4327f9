import type { FastifyInstance } from 'fastify'
import { prefixesOf } from '../plugins/manifest.ts'
import type { PluginRecord, PluginRegistry } from '../plugins/registry.ts'

const text = { type: 'object', properties: { en: { type: 'string' }, pl: { type: 'string' } } }
const pluginSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: text, version: { type: 'string' }, state: { enum: ['running', 'disabled'] },
    thirdParty: { type: 'boolean' }, kernel: { type: 'string' }, feature: { type: ['string', 'null'] },
    dependencies: { type: 'object', additionalProperties: { type: 'string' } },
    prefixes: { type: 'array', items: { type: 'string' } },
    reason: { type: ['string', 'null'] }, error: { type: ['string', 'null'] }
  }
}

const view = (r: PluginRecord) => ({
  id: r.manifest.id, name: r.manifest.name, version: r.manifest.version, state: r.state, thirdParty: r.thirdParty,
  kernel: r.manifest.kernel, feature: r.manifest.license?.feature ?? null, dependencies: r.manifest.dependencies ?? {},
  prefixes: prefixesOf(r.manifest), reason: r.reason ?? null, error: r.error ?? null
})

/**
 * GET /api/v1/admin/plugins: the public health's plugin list plus what only an operator may see,
 * the start-up error of a disabled plugin. Every installed plugin in load order; there are never
 * more than a page of them, so the list has no cursor.
 */
export function registerPluginHealth (admin: FastifyInstance, registry: PluginRegistry): void {
  admin.get('/api/v1/admin/plugins', {
    schema: {
      tags: ['admin'], summary: 'Installed plugins: version, state and why a disabled one stopped',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: pluginSchema }, nextCursor: { type: 'null' } } } }
    }
  }, async () => ({ items: registry.records.map(view), nextCursor: null }))
}
