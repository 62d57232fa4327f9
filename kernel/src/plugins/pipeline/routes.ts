import type { FastifyInstance } from 'fastify'
import { ApiError, StartupError } from '../../errors/errors.ts'
import { prefixesOf } from '../manifest.ts'
import type { PluginRecord } from '../registry.ts'

/** Stage 4, initialise, step routes: the plugin's encapsulated context refuses routes outside its prefixes or without a declared permission (or `operator: true`). */
export function guardRoutes (child: FastifyInstance, record: PluginRecord): void {
  const m = record.manifest
  const prefixes = prefixesOf(m)
  const permissions = new Set((m.permissions ?? []).map(p => p.id))
  child.addHook('onRoute', route => {
    const url = route.url
    if (!prefixes.some(p => url === p || url.startsWith(p + '/'))) {
      throw new StartupError('route_outside_prefix', `plugin "${m.id}" registered ${route.method} ${url} outside its prefixes ${prefixes.join(', ')}`, { pluginId: m.id })
    }
    const config = (route.config ?? {}) as { permission?: string, public?: boolean, operator?: boolean }
    // `operator: true` alone is a platform operators' route (a feed sync, a platform-wide view).
    if (!config.public && config.operator !== true && (!config.permission || !permissions.has(config.permission))) {
      throw new StartupError('route_permission', `plugin "${m.id}" route ${route.method} ${url} must set config.permission to one of its declared permissions (${[...permissions].join(', ') || 'none declared'}), config.operator or config.public`, { pluginId: m.id })
    }
    route.schema = { tags: [m.id], ...(route.schema ?? {}) }
  })
  // A plugin disabled after it registered some routes must not serve them.
  child.addHook('onRequest', (_request, _reply, done) => {
    done(record.state === 'running' ? undefined : new ApiError('service_unavailable', `The ${m.id} module is unavailable: it failed to start`))
  })
}
