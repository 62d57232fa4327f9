import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve } from 'node:path'
import { federation } from '@module-federation/vite'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'
import { sdkVersion } from '@monozu/ui-sdk/vite'

const repoRoot = resolve(import.meta.dirname, '..')
/** The kernel that `npm run dev` proxies /api, /.well-known and the OIDC routes to. */
const kernel = process.env.MONOZU_KERNEL_URL ?? 'http://127.0.0.1:8000'

const types: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' }

/**
 * Dev only: serve /ui/<id>/ from the module's build folder (ui-plugins/<id>/dist, kept fresh
 * by `vite build --watch`), the same files the kernel serves in production.
 */
function serveModuleBuilds (): Plugin {
  return {
    name: 'monozu-serve-module-builds',
    apply: 'serve',
    configureServer (server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/ui\/([a-z][a-z0-9-]{1,31})\/([^?#]*)/.exec(req.url ?? '')
        if (!m) return next()
        const [, id, rest] = m as unknown as [string, string, string]
        const dist = [join(repoRoot, 'plugins', id, 'ui', 'dist'), join(repoRoot, 'ui-plugins', id, 'dist')].find(d => existsSync(join(d, 'remoteEntry.js')))
        const file = dist && normalize(join(dist, decodeURIComponent(rest)))
        if (!dist || !file || !file.startsWith(dist) || !existsSync(file) || !statSync(file).isFile()) return next()
        res.setHeader('content-type', types[extname(file)] ?? 'application/octet-stream')
        res.setHeader('cache-control', 'no-cache')
        res.setHeader('access-control-allow-origin', '*')
        createReadStream(file).pipe(res)
      })
    }
  }
}

export default defineConfig({
  base: '/',
  plugins: [
    react(),
    federation({
      name: 'monozu_shell',
      // No remote is known at build time: the shell registers what /api/v1/me/features lists.
      remotes: {},
      shared: {
        react: { singleton: true, requiredVersion: '^19.0.0' },
        'react-dom': { singleton: true, requiredVersion: '^19.0.0' },
        '@monozu/ui-sdk': { singleton: true, requiredVersion: `^${sdkVersion}` },
        // Provided for modules only: the shell's first screen never imports it, so it is fetched
        // when the first module (or a lazy page of the shell) asks for it.
        '@monozu/ui-sdk/components': { singleton: true, requiredVersion: `^${sdkVersion}` }
      },
      dts: false,
      // Plain remoteEntry.js URLs: no manifests, preloading or devtools snapshots (saves ~KBs of runtime).
      disableSnapshot: true,
      // Remotes built with experiments.externalRuntime use this page's runtime instead of bundling one.
      experiments: { provideExternalRuntime: true }
    }),
    serveModuleBuilds()
  ],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true
  },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.MONOZU_UI_PORT ?? 5173),
    strictPort: true,
    proxy: {
      '/api': { target: kernel, ws: true },
      '/.well-known': { target: kernel }
    }
  },
  preview: { port: 4173 }
})
