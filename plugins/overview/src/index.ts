import { definePlugin } from '@monozu/kernel'

const party = { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' }, name: { type: ['string', 'null'] } } }
const summarySchema = {
  type: 'object',
  properties: {
    tenant: { type: 'object', properties: { name: { type: 'string' } } },
    users: { type: 'integer' },
    jobs: { type: 'object', properties: { pending: { type: 'integer' }, running: { type: 'integer' }, dead: { type: 'integer' } } },
    recentActivity: {
      description: 'Only for callers holding audit.read (the audit log\'s own permission); absent for everyone else',
      type: 'array',
      items: { type: 'object', properties: { at: { type: 'string' }, action: { type: 'string' }, actor: party, subject: { ...party, type: ['object', 'null'] } } }
    }
  }
}

// Recent activity is the audit log in short: it needs the audit log's permission, not overview.read.
const AUDIT_PERMISSION = 'audit.read'

export default definePlugin({
  start (ctx, app) {
    const counts = async (tenantId: string) => {
      const tenant = await ctx.tenants.get(tenantId)
      return { tenant: { name: tenant?.name ?? '' }, ...(await ctx.tenants.summary(tenantId)) }
    }

    app.get('/api/v1/overview/summary', {
      config: { permission: 'overview.read' },
      schema: { tags: ['overview'], summary: 'The tenant at a glance; recent activity for audit readers', response: { 200: summarySchema } }
    }, async request => {
      const auth = request.auth!
      const tenantId = auth.tenant!.id
      const summary = await counts(tenantId)
      if (!auth.permissions.has(AUDIT_PERMISSION)) return summary
      return { ...summary, recentActivity: await ctx.tenants.recentActivity(tenantId, 20) }
    })

    // Open overview pages get fresh counts without polling. Every overview.read socket receives
    // this, so it carries no activity: pages that show activity read it again over HTTP.
    ctx.jobs.define('publish-summary', async job => {
      await ctx.channels.publish(job.tenantId!, 'overview.activity', 'summary', await counts(job.tenantId!))
    }, { concurrency: 2, maxAttempts: 1, timeoutMs: 10_000 })
  }
})
