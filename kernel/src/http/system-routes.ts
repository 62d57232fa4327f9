import type { FastifyInstance } from 'fastify'
import type { Connections } from '../db/connections.ts'
import type { PluginRegistry } from '../plugins/registry.ts'
import type { TokenService } from '../auth/tokens.ts'
import { KERNEL_API_VERSION } from '../version.ts'

/** Health and the JWKS: public, cheap, and free of internals. */
export function registerSystemRoutes (app: FastifyInstance, deps: { registry: PluginRegistry, conn: Connections, tokens: TokenService }): void {
  app.get('/api/v1/health', {
    config: { public: true },
    schema: {
      tags: ['system'],
      summary: 'Kernel and plugin state',
      security: [],
      response: {
        200: {
          type: 'object',
          properties: {
            status: { enum: ['ok', 'degraded'] },
            kernel: { type: 'string' },
            database: { type: 'string' },
            plugins: {
              type: 'array',
              items: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'string' }, state: { type: 'string' }, reason: { type: 'string' } } }
            }
          }
        }
      }
    }
  }, async () => {
    const plugins = deps.registry.records.map(r => ({ id: r.manifest.id, version: r.manifest.version, state: r.state, ...(r.reason ? { reason: r.reason } : {}) }))
    return {
      status: plugins.every(p => p.state === 'running') ? 'ok' : 'degraded',
      kernel: KERNEL_API_VERSION,
      database: deps.conn.dialect,
      plugins
    }
  })
  app.get('/.well-known/jwks.json', { config: { public: true }, schema: { tags: ['system'], security: [] } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300')
    return deps.tokens.jwks
  })
}
