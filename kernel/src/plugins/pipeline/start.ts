import type { FastifyInstance } from 'fastify'
import type { PluginContext } from '../define.ts'
import type { PluginRecord } from '../registry.ts'
import { guardRoutes } from './routes.ts'

/** Stage 5, start: the plugin's `start(ctx, app)` in its own encapsulated, guarded Fastify context. */
export async function startPlugin (record: PluginRecord, ctx: PluginContext, app: FastifyInstance): Promise<void> {
  // The failure is carried out of register() so Fastify's boot sequence itself stays healthy.
  let failure: unknown
  await app.register(async child => {
    guardRoutes(child, record)
    try { await record.definition?.start(ctx, child) } catch (err) { failure = err }
  })
  if (failure !== undefined) throw failure
}
