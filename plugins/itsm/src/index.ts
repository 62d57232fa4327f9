import { definePlugin } from '@monozu/kernel'
import { adminRoutes } from './admin/routes.ts'
import { ticketRoutes } from './tickets/routes.ts'
import { alertRules } from './alerts/rules.ts'
import { defineSweep } from './sla/sweep.ts'
import { reportRoutes } from './reports/routes.ts'
import { seedDemo } from './seed/demo.ts'
import { inboundEmail } from './email/inbound.ts'

export type ItsmConfig = {
  maxAttachmentBytes: number
  maxEmailBytes: number
}

/**
 * ITSM: tickets (incidents, requests, problems, changes) with a server-checked workflow, SLA
 * clocks on business calendars, conversation and attachments, saved views and full-text search,
 * inbound email and alert-to-ticket rules. README.md is the API reference.
 */
export default definePlugin<ItsmConfig>({
  start (ctx, app) {
    ticketRoutes(ctx, app, { maxAttachmentBytes: ctx.config.maxAttachmentBytes })
    adminRoutes(ctx, app)
    alertRules(ctx, app)
    defineSweep(ctx)
    reportRoutes(ctx, app)
    inboundEmail(ctx, app, { maxEmailBytes: ctx.config.maxEmailBytes, maxAttachmentBytes: ctx.config.maxAttachmentBytes })
  },
  seedDemo
})
