import { definePlugin } from '@monozu/kernel'

const summarySchema = {
  type: 'object',
  properties: {
    tenant: { type: 'object', properties: { name: { type: 'string' } } },
    users: { type: 'integer' },
    jobs: { type: 'object', properties: { pending: { type: 'integer' }, running: { type: 'integer' }, dead: { type: 'integer' } } },
    recentActivity: { type: 'array', items: { type: 'object', properties: { at: { type: 'string' }, action: { type: 'string' }, actor: { type: 'string' } } } }
  }
}

export default definePlugin({
  start (ctx, app) {
    const summary = async (tenantId: string) => {
      const tenant = await ctx.tenants.get(tenantId)
      return { tenant: { name: tenant?.name ?? '' }, ...(await ctx.tenants.summary(tenantId)) }
    }

    app.get('/api/v1/overview/summary', {
      config: { permission: 'overview.read' },
      schema: { tags: ['overview'], summary: 'The tenant at a glance', response: { 200: summarySchema } }
    }, async request => summary(request.auth!.tenant!.id))

    // Open overview pages get a fresh summary without polling.
    ctx.jobs.define('publish-summary', async job => {
      await ctx.channels.publish(job.tenantId!, 'overview.activity', 'summary', await summary(job.tenantId!))
    }, { concurrency: 2, maxAttempts: 1, timeoutMs: 10_000 })
  }
})
