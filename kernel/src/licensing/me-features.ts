import type { FastifyInstance } from 'fastify'
import type { Features } from './features.ts'
import { operatorConsoleFeature } from '../admin/console.ts'
import { OPERATOR_ROLE } from '../tenancy/roles.ts'

const text = { type: 'object', properties: { en: { type: 'string' }, pl: { type: 'string' } } }
const feature = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: text,
    version: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
    ui: { type: ['object', 'null'], properties: { remote: { type: 'string' }, remoteEntry: { type: 'string' }, exposes: { type: 'string' }, widgets: { type: ['string', 'null'] } } },
    nav: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, label: text, icon: { type: 'string' } } } }
  }
}

/**
 * GET /api/v1/me/features: the modules the UI shell may load for this user, exactly the rule
 * the guard enforces: enabled for the tenant, and the user holds at least one of its permissions.
 */
export function registerMeFeatures (app: FastifyInstance, deps: { features: Features, uiBaseUrl: string | undefined, operatorConsole?: boolean }): void {
  const uiBase = (deps.uiBaseUrl ?? '/ui').replace(/\/+$/, '')
  app.get('/api/v1/me/features', {
    schema: {
      tags: ['identity'],
      summary: 'The modules this user sees, with their UI entry points',
      response: {
        200: {
          type: 'object',
          properties: {
            tenant: { type: ['object', 'null'], properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' } } },
            user: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } } },
            features: { type: 'array', items: feature }
          }
        }
      }
    }
  }, async request => {
    const auth = request.auth!
    const user = { id: auth.userId, email: auth.email, name: auth.name, roles: auth.roles }
    // Operators have no tenant and so no plugins; with the admin API mounted they get its console.
    if (!auth.tenant) return { tenant: null, user, features: deps.operatorConsole && auth.roles.includes(OPERATOR_ROLE) ? [operatorConsoleFeature(uiBase)] : [] }
    const enabled = await deps.features.enabledPlugins(auth.tenant.id)
    const features = enabled.flatMap(record => {
      const m = record.manifest
      const permissions = (m.permissions ?? []).map(p => p.id).filter(p => auth.permissions.has(p))
      if (permissions.length === 0) return []
      return [{
        id: m.id,
        name: m.name,
        version: m.version,
        permissions,
        ui: m.ui ? { remote: m.ui.remote, remoteEntry: `${uiBase}/${m.id}/remoteEntry.js`, exposes: m.ui.exposes, widgets: m.ui.widgets ?? null } : null,
        nav: m.ui?.nav ?? []
      }]
    })
    return { tenant: auth.tenant, user, features }
  })
}
