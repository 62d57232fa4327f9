import type { FastifyInstance } from 'fastify'
import { csvRow, rowsOf, type PluginContext } from '@monozu/kernel'
import { invalid, iso } from '../http.ts'
import { TICKET_COLUMNS, type TicketRow } from '../tickets/store.ts'

const DAY = 86_400_000
const range = { type: 'object', additionalProperties: false, properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } } } as const

/** [from, to) as dates, default the last 30 days; at most 366 days. */
function window (q: { from?: string, to?: string }, now: Date): { from: Date, to: Date } {
  const to = q.to ? new Date(Date.parse(q.to) + DAY) : new Date(Math.floor(now.getTime() / DAY) * DAY + DAY)
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY)
  if (from >= to) throw invalid('/from', 'must be before to')
  if (to.getTime() - from.getTime() > 366 * DAY) throw invalid('/from', 'a report covers at most 366 days')
  return { from, to }
}

/** Backlog by group over time, MTTR, SLA compliance, and the CSV export (itsm.agent). */
export function reportRoutes (ctx: PluginContext, app: FastifyInstance): void {
  app.get('/api/v1/itsm/reports/summary', {
    config: { permission: 'itsm.agent' },
    schema: {
      summary: 'Backlog by group per day (UTC), MTTR and SLA compliance of tickets resolved in [from, to] (default: the last 30 days)',
      querystring: range,
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' }, to: { type: 'string' },
            backlog: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, groupId: { type: ['string', 'null'] }, open: { type: 'integer' } } } },
            resolved: { type: 'integer' }, mttrMinutes: { type: ['number', 'null'] },
            mttrByPriority: { type: 'array', items: { type: 'object', properties: { priority: { type: 'integer' }, resolved: { type: 'integer' }, mttrMinutes: { type: 'number' } } } },
            sla: { type: 'object', properties: { measured: { type: 'integer' }, met: { type: 'integer' }, compliancePercent: { type: ['number', 'null'] } } }
          }
        }
      }
    }
  }, async request => {
    const { from, to } = window(request.query as { from?: string, to?: string }, ctx.clock.now())
    return request.withTenant(async trx => {
      // open at the end of each day: created before it, not resolved by then
      const backlog = rowsOf<{ day: Date, group_id: string | null, open: number | string }>(await trx.raw(`
        select d.day, t.group_id, count(t.id) as open
        from generate_series(?::timestamptz, ?::timestamptz - interval '1 day', interval '1 day') as d(day)
        join itsm_tickets t on t.created_at < d.day + interval '1 day' and (t.resolved_at is null or t.resolved_at >= d.day + interval '1 day')
        group by d.day, t.group_id order by d.day, t.group_id`, [from, to]))
      const byPriority = await trx('itsm_tickets').where('resolved_at', '>=', from).where('resolved_at', '<', to)
        .groupBy('priority').orderBy('priority')
        .select('priority', trx.raw('count(*) as resolved'), trx.raw('avg(extract(epoch from (resolved_at - created_at))) / 60 as minutes'))
      const sla = await trx('itsm_tickets').where('resolved_at', '>=', from).where('resolved_at', '<', to).whereNotNull('sla_policy_id')
        .first(trx.raw('count(*) as measured'), trx.raw('sum(case when sla_breached then 0 else 1 end) as met'))
      const resolved = byPriority.reduce((n, r) => n + Number(r.resolved), 0)
      const total = byPriority.reduce((n, r) => n + Number(r.resolved) * Number(r.minutes), 0)
      const measured = Number(sla?.measured ?? 0)
      const met = Number(sla?.met ?? 0)
      return {
        from: from.toISOString(), to: to.toISOString(),
        backlog: backlog.map(b => ({ date: new Date(b.day).toISOString().slice(0, 10), groupId: b.group_id, open: Number(b.open) })),
        resolved, mttrMinutes: resolved ? Math.round(total / resolved) : null,
        mttrByPriority: byPriority.map(r => ({ priority: Number(r.priority), resolved: Number(r.resolved), mttrMinutes: Math.round(Number(r.minutes)) })),
        sla: { measured, met, compliancePercent: measured ? Math.round(1000 * met / measured) / 10 : null }
      }
    })
  })

  app.get('/api/v1/itsm/reports/tickets.csv', {
    config: { permission: 'itsm.agent' },
    schema: { summary: 'Tickets created in [from, to] as CSV (cells starting with = + - @ are neutralised)', querystring: range }
  }, async (request, reply) => {
    const { from, to } = window(request.query as { from?: string, to?: string }, ctx.clock.now())
    const rows = await request.withTenant(trx => trx('itsm_tickets').where('created_at', '>=', from).where('created_at', '<', to).orderBy('created_at').limit(100_000).select(TICKET_COLUMNS)) as TicketRow[]
    const header = ['number', 'type', 'status', 'priority', 'title', 'requester', 'requesterEmail', 'assigneeId', 'groupId', 'category', 'createdAt', 'firstResponseAt', 'resolvedAt', 'resolutionDue', 'slaBreached']
    const body = csvRow(header) + rows.map(t => csvRow([t.number, t.type, t.status, t.priority, t.title, t.requester_name, t.requester_email, t.assignee_id, t.group_id, t.category, iso(t.created_at), iso(t.first_response_at), iso(t.resolved_at), iso(t.resolution_due), t.sla_breached])).join('')
    reply.header('content-type', 'text/csv; charset=utf-8')
    reply.header('content-disposition', `attachment; filename="itsm-tickets-${from.toISOString().slice(0, 10)}.csv"`)
    reply.header('x-content-type-options', 'nosniff')
    return reply.send(body)
  })
}
