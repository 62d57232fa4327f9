import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import type { PluginRegistry } from '../plugins/registry.ts'

const nonUiPrefixes = ['/api/', '/internal/', '/ui/', '/.well-known/', '/v1/']

/** Where a plugin's built UI module lives: beside the plugin (partners), or in the repo's ui-plugins. */
export function uiDistOf (repoRoot: string, pluginDir: string, pluginId: string): string | undefined {
  return [join(pluginDir, 'ui', 'dist'), join(repoRoot, 'ui-plugins', pluginId, 'dist')].find(dir => existsSync(join(dir, 'remoteEntry.js')))
}

/**
 * The built shell at `/` (unknown non-API paths fall back to index.html, the shell routes them)
 * and each running plugin's module at `/ui/<id>/`. Modules may be loaded from another origin
 * (UI_BASE_URL on a CDN), so they carry CORS headers; they hold code, never data.
 */
export async function registerUi (app: FastifyInstance, deps: { repoRoot: string, registry: PluginRegistry, shellDir?: string | undefined }): Promise<{ shell: boolean, modules: string[] }> {
  const modules: string[] = []
  for (const record of deps.registry.running()) {
    if (!record.manifest.ui) continue
    const dist = uiDistOf(deps.repoRoot, record.dir, record.manifest.id)
    if (!dist) continue
    modules.push(record.manifest.id)
    await app.register(async scope => {
      await scope.register(fastifyStatic, {
        root: dist,
        prefix: `/ui/${record.manifest.id}/`,
        decorateReply: false,
        index: false,
        setHeaders: (res, path) => {
          res.header('access-control-allow-origin', '*')
          // The same-origin default (security-headers.ts) would stop a shell on another origin loading module CSS (no-cors).
          res.header('cross-origin-resource-policy', 'cross-origin')
          res.header('cache-control', /remoteEntry\.js$|\.html$/.test(path) ? 'no-cache' : 'public, max-age=31536000, immutable')
        }
      })
    })
  }

  const shell = deps.shellDir ?? join(deps.repoRoot, 'ui-shell', 'dist')
  if (!existsSync(join(shell, 'index.html'))) return { shell: false, modules }
  await app.register(fastifyStatic, {
    root: shell,
    prefix: '/',
    wildcard: false,
    setHeaders: (res, path) => { res.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable') }
  })
  app.spaFallback.handler = (request, reply) => {
    const path = request.url.split('?')[0] as string
    if (request.method !== 'GET' || nonUiPrefixes.some(p => path.startsWith(p)) || !(request.headers.accept ?? '').includes('text/html')) return false
    void reply.header('cache-control', 'no-cache').sendFile('index.html', shell)
    return true
  }
  return { shell: true, modules }
}
