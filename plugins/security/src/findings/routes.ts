import type { FastifyInstance } from 'fastify'
import { ApiError, decodeCursor, page, pageOf, type PluginContext } from '@monozu/kernel'
import { actorOf, iso, json, notFound, num, tenantOf, uuidParam } from '../http.ts'
import { NO_NUL } from '../http.ts'
import type { Live } from '../live.ts'
import { SEVERITY_ORDER } from './severity.ts'

interface Row {
  id: string, asset_key: string, ci_id: string | null, ci_name: string | null, device_id: string | null, ecosystem: string, package: string, version: string
  vulnerability_id: string, aliases: string[], summary: string | null, severity: string, cvss_score: unknown, cvss_vector: string | null, epss: unknown, kev: boolean
  risk_score: unknown, fixed_version: string | null, explanation: unknown, state: string, state_reason: string | null, state_by: string | null
  accepted_until: Date | string | null, due_at: Date | string | null, first_seen: Date | string, last_seen: Date | string, fixed_at: Date | string | null, updated_at: Date | string
}

const STATES = ['open', 'fixed', 'risk_accepted', 'false_positive', 'withdrawn'] as const

const present = (r: Row, withExplanation: boolean) => ({
  id: r.id, assetKey: r.asset_key, ciId: r.ci_id, ciName: r.ci_name, deviceId: r.device_id, ecosystem: r.ecosystem, package: r.package, version: r.version,
  vulnerabilityId: r.vulnerability_id, aliases: r.aliases ?? [], summary: r.summary, severity: r.severity, cvssScore: num(r.cvss_score), cvssVector: r.cvss_vector,
  epss: num(r.epss), kev: r.kev, riskScore: num(r.risk_score) ?? 0, fixedVersion: r.fixed_version, state: r.state, stateReason: r.state_reason, stateBy: r.state_by,
  acceptedUntil: iso(r.accepted_until), dueAt: iso(r.due_at), overdue: r.state === 'open' && r.due_at !== null && new Date(r.due_at).getTime() < Date.now(),
  firstSeen: iso(r.first_seen), lastSeen: iso(r.last_seen), fixedAt: iso(r.fixed_at),
  sentence: (json<{ sentence?: string }>(r.explanation) ?? {}).sentence ?? '',
  ...(withExplanation ? { explanation: json<Record<string, unknown>>(r.explanation) } : {})
})

const findingOut = {
  type: 'object',
  properties: {
    id: { type: 'string' }, assetKey: { type: 'string' }, ciId: { type: ['string', 'null'] }, ciName: { type: ['string', 'null'] }, deviceId: { type: ['string', 'null'] },
    ecosystem: { type: 'string' }, package: { type: 'string' }, version: { type: 'string' }, vulnerabilityId: { type: 'string' }, aliases: { type: 'array', items: { type: 'string' } },
    summary: { type: ['string', 'null'] }, severity: { type: 'string' }, cvssScore: { type: ['number', 'null'] }, cvssVector: { type: ['string', 'null'] }, epss: { type: ['number', 'null'] },
    kev: { type: 'boolean' }, riskScore: { type: 'number' }, fixedVersion: { type: ['string', 'null'] }, state: { type: 'string' }, stateReason: { type: ['string', 'null'] },
    stateBy: { type: ['string', 'null'] }, acceptedUntil: { type: ['string', 'null'] }, dueAt: { type: ['string', 'null'] }, overdue: { type: 'boolean' },
    firstSeen: { type: 'string' }, lastSeen: { type: 'string' }, fixedAt: { type: ['string', 'null'] },
    sentence: { type: 'string', description: 'The decisive comparison, e.g. "4.17.20 < fixed 4.17.21 by semver"' },
    explanation: { type: 'object', additionalProperties: true, description: 'inventory (source, observedAt), advisory, affected range, comparisons, scheme, fixedVersion, severity source, kev, epss' }
  }
} as const

const MAX_ACCEPT_MS = 366 * 86_400_000

export function findingRoutes (app: FastifyInstance, ctx: PluginContext, live: Live): void {
  app.get('/api/v1/security/findings', {
    config: { permission: 'security.read' },
    schema: {
      summary: 'Findings per (asset, package, vulnerability), highest risk first; filter by device, CI, severity, state, vulnerability id, KEV',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          deviceId: { type: 'string', format: 'uuid' }, ciId: { type: 'string', format: 'uuid' }, assetKey: { type: 'string', maxLength: 80, pattern: NO_NUL },
          severity: { type: 'array', items: { enum: SEVERITY_ORDER }, uniqueItems: true },
          state: { type: 'array', items: { enum: STATES }, uniqueItems: true },
          vulnerabilityId: { type: 'string', maxLength: 100, pattern: NO_NUL, description: 'The advisory id or one of its aliases (CVE-...)' },
          kev: { type: 'boolean' },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500, pattern: NO_NUL }
        }
      },
      response: { 200: pageOf(findingOut) }
    }
  }, async request => {
    const q = request.query as { deviceId?: string, ciId?: string, assetKey?: string, severity?: string[], state?: string[], vulnerabilityId?: string, kev?: boolean, limit: number, cursor?: string }
    const after = decodeCursor(q.cursor, { risk: 'number', id: 'uuid' })
    const rows = await request.withTenant(trx => trx('security_findings').select('*')
      .modify(b => {
        if (q.deviceId) b.where('device_id', q.deviceId)
        if (q.ciId) b.where('ci_id', q.ciId)
        if (q.assetKey) b.where('asset_key', q.assetKey)
        if (q.severity) b.whereIn('severity', q.severity)
        if (q.state) b.whereIn('state', q.state)
        if (q.kev !== undefined) b.where('kev', q.kev)
        if (q.vulnerabilityId) b.where(w => w.where('vulnerability_id', q.vulnerabilityId!).orWhereRaw('? = any(aliases)', [q.vulnerabilityId!]))
        if (after) b.where(w => w.where('risk_score', '<', after.risk).orWhere(w2 => w2.where('risk_score', after.risk).where('id', '>', after.id)))
      })
      .orderBy([{ column: 'risk_score', order: 'desc' }, { column: 'id', order: 'asc' }]).limit(q.limit + 1)) as Row[]
    const result = page(rows, q.limit, r => ({ risk: Number(r.risk_score), id: r.id }))
    return { items: result.items.map(r => present(r, false)), nextCursor: result.nextCursor }
  })

  app.get('/api/v1/security/findings/:id', {
    config: { permission: 'security.read' },
    schema: { summary: 'One finding with its explanation as data', params: uuidParam, response: { 200: findingOut } }
  }, async request => {
    const { id } = request.params as { id: string }
    const row = await request.withTenant(trx => trx('security_findings').first('*').where({ id })) as Row | undefined
    if (!row) throw notFound('finding', id)
    return present(row, true)
  })

  const triage = (action: string, summary: string, body: object, change: (b: Record<string, string>, now: Date) => Record<string, unknown>, check?: (b: Record<string, string>, now: Date) => void) => {
    app.post(`/api/v1/security/findings/:id/${action}`, {
      config: { permission: 'security.triage' },
      schema: { summary, params: uuidParam, body, response: { 200: findingOut } }
    }, async request => {
      const { id } = request.params as { id: string }
      const b = (request.body ?? {}) as Record<string, string>
      const now = ctx.clock.now()
      check?.(b, now)
      const tenantId = tenantOf(request)
      const row = await request.withTenant(async trx => {
        const current = await trx('security_findings').first('*').where({ id }).forUpdate() as Row | undefined
        if (!current) throw notFound('finding', id)
        if (current.state === 'fixed') throw new ApiError('invalid_state', 'The finding is fixed: the inventory no longer has an affected version')
        if (current.state === 'withdrawn') throw new ApiError('invalid_state', 'The finding is withdrawn: its advisory was withdrawn by its publisher')
        const [next] = await trx('security_findings').where({ id }).update({ ...change(b, now), state_by: actorOf(request), updated_at: now }).returning('*') as Row[]
        await ctx.audit.record({ tenantId, action: `security.finding_${action.replace('-', '_')}`, actor: request.auth!.userId, target: id, requestId: request.id, details: b }, trx)
        live.afterCommit(trx, tenantId, 'findings.changed', { ids: [id] })
        return next!
      })
      return present(row, true)
    })
  }
  triage('accept-risk', 'Accept the risk until a date (mandatory), with a reason; the finding opens again then',
    { type: 'object', additionalProperties: false, required: ['reason', 'until'], properties: { reason: { type: 'string', minLength: 3, maxLength: 1000, pattern: NO_NUL }, until: { type: 'string', format: 'date-time' } } },
    (b) => ({ state: 'risk_accepted', state_reason: b.reason, accepted_until: new Date(b.until!) }),
    (b, now) => {
      const until = new Date(b.until!).getTime()
      if (until <= now.getTime() || until - now.getTime() > MAX_ACCEPT_MS) throw new ApiError('validation_failed', 'body/until: must be in the future and within a year', { extra: { errors: [{ in: 'body', pointer: '/until', message: 'must be in the future and within a year' }] } })
    })
  triage('false-positive', 'Mark a false positive, with a reason',
    { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 3, maxLength: 1000, pattern: NO_NUL } } },
    (b) => ({ state: 'false_positive', state_reason: b.reason, accepted_until: null }))
  triage('reopen', 'Open a risk-accepted or false-positive finding again',
    { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 1000, pattern: NO_NUL } } },
    (b) => ({ state: 'open', state_reason: b.reason ?? null, accepted_until: null }))

  app.get('/api/v1/security/summary', {
    config: { permission: 'security.read' },
    schema: { summary: 'Dashboard figures: open findings by severity, KEV, overdue, top assets, 30-day trend, open alerts, last scan' }
  }, async request => {
    const now = ctx.clock.now()
    return request.withTenant(async trx => {
      const bySeverity = await trx('security_findings').where('state', 'open').groupBy('severity').select('severity').count({ n: '*' }) as Array<{ severity: string, n: unknown }>
      const kev = await trx('security_findings').where({ state: 'open', kev: true }).count({ n: '*' }).first()
      const overdue = await trx('security_findings').where('state', 'open').where('due_at', '<', now).count({ n: '*' }).first()
      const top = await trx('security_findings').where('state', 'open').groupBy('asset_key').select('asset_key', trx.raw('max(ci_name) as ci_name'), trx.raw('max(device_id::text) as device_id'))
        .count({ n: '*' }).max({ risk: 'risk_score' }).orderBy([{ column: 'risk', order: 'desc' }, { column: 'n', order: 'desc' }]).limit(10) as Array<Record<string, unknown>>
      const since = new Date(now.getTime() - 30 * 86_400_000)
      const opened = await trx('security_findings').where('first_seen', '>=', since).select(trx.raw("to_char(first_seen at time zone 'UTC', 'YYYY-MM-DD') as day")).count({ n: '*' }).groupBy('day') as Array<{ day: string, n: unknown }>
      const fixed = await trx('security_findings').where('fixed_at', '>=', since).select(trx.raw("to_char(fixed_at at time zone 'UTC', 'YYYY-MM-DD') as day")).count({ n: '*' }).groupBy('day') as Array<{ day: string, n: unknown }>
      const alerts = await trx('security_alerts').whereIn('state', ['open', 'acknowledged']).groupBy('severity').select('severity').count({ n: '*' }) as Array<{ severity: string, n: unknown }>
      const scan = await trx('security_scan_state').first('last_scan_at', 'last_result')
      const days: Array<{ day: string, opened: number, fixed: number }> = []
      for (let i = 29; i >= 0; i--) {
        const day = new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10)
        days.push({ day, opened: Number(opened.find(o => o.day === day)?.n ?? 0), fixed: Number(fixed.find(o => o.day === day)?.n ?? 0) })
      }
      return {
        open: Object.fromEntries(SEVERITY_ORDER.map(s => [s, Number(bySeverity.find(b => b.severity === s)?.n ?? 0)])),
        kev: Number(kev?.n ?? 0),
        overdue: Number(overdue?.n ?? 0),
        topAssets: top.map(t => ({ assetKey: t.asset_key, ciName: t.ci_name ?? null, deviceId: t.device_id ?? null, open: Number(t.n), maxRisk: Number(t.risk) })),
        trend: days,
        alerts: Object.fromEntries(['critical', 'high', 'medium', 'low', 'info'].map(s => [s, Number(alerts.find(a => a.severity === s)?.n ?? 0)])),
        lastScanAt: iso(scan?.last_scan_at ?? null),
        lastScan: scan?.last_result ? json(scan.last_result) : null
      }
    })
  })

  app.post('/api/v1/security/scan', {
    config: { permission: 'security.admin' },
    schema: { summary: 'Queue a full rescan of the tenant\'s inventory against every advisory', response: { 202: { type: 'object', properties: { jobId: { type: 'string' }, deduplicated: { type: 'boolean' } } } } }
  }, async (request, reply) => {
    const job = await ctx.jobs.enqueue('scan', { full: true }, { tenantId: tenantOf(request), dedupeKey: 'security-scan-full' })
    reply.code(202)
    return { jobId: job.id, deduplicated: job.deduplicated }
  })
}
