import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'
import { CONSOLE_ID } from './console.ts'

const dist = fileURLToPath(new URL('../../../ui-plugins/admin/dist/', import.meta.url))

/**
 * Serves the built console (ui-plugins/admin) at /ui/admin/, with the headers ui.ts gives plugin
 * modules. Only mounted with the admin API: a cloud without the panel does not even ship its code.
 */
export function registerConsoleUi (app: FastifyInstance): boolean {
  if (!existsSync(`${dist}remoteEntry.js`)) return false
  app.register(async scope => {
    await scope.register(fastifyStatic, {
      root: dist,
      prefix: `/ui/${CONSOLE_ID}/`,
      decorateReply: false,
      index: false,
      setHeaders: (res, path) => {
        res.header('access-control-allow-origin', '*')
        res.header('cache-control', /remoteEntry\.js$|\.html$/.test(path) ? 'no-cache' : 'public, max-age=31536000, immutable')
      }
    })
  })
  return true
}
