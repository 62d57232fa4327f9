import type { FastifyInstance } from 'fastify'
import type { PluginContext } from '@monozu/kernel'

export function alertRules (ctx: PluginContext, _app: FastifyInstance): void {
  ctx.events.handleBatch('alertRules', async () => {})
}
