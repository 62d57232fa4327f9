import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import type { Sessions } from '../auth/sessions.ts'
import type { PrincipalResolver } from '../auth/principal.ts'
import type { Clock } from '../clock/clock.ts'
import type { Database } from '../db/database.ts'
import type { Features } from '../licensing/features.ts'
import type { Tenancy, Tenant } from '../tenancy/tenants.ts'
import { exportTenant } from './export.ts'
import { collectUsage, sendUsage } from './usage.ts'
import type { UsageCounters } from '../usage/counters.ts'

export interface LifecycleDeps {
  owner: Knex
  db: Database
  tenancy: Tenancy
  features: Features
  audit: AuditService
  sessions: Sessions
  principals: PrincipalResolver
  clock: Clock
  /** Plugins' usage counters (`ctx.usage.register`), read by the usage report. */
  usage: UsageCounters
  /** Where usage reports go (MANAGEMENT_URL), with the first internal token. */
  managementUrl?: string | undefined
  internalTokens: string[]
}

const ACTOR = 'internal:management'
// Kernel bookkeeping keyed by a `tenant` column (no RLS): exported with the tenant, purged with it.
const KERNEL_TENANT_TABLES = ['licenses', 'tenant_features', 'jobs', 'oidc_states']

/**
 * Every tenant-owned table of the kernel and of every plugin: each one has `tenant_id`, and the
 * start-up check (assertTenantTablesProtected) guarantees it has row-level security.
 */
export async function tenantTables (owner: Knex): Promise<string[]> {
  const sql = owner.client.config.client === 'mssql'
    ? "select t.name as name from sys.columns c join sys.tables t on c.object_id = t.object_id where c.name = 'tenant_id' order by t.name"
    : "select table_name as name from information_schema.columns where column_name = 'tenant_id' and table_schema = current_schema() order by table_name"
  const result = await owner.raw(sql)
  const rows: Array<{ name: string }> = Array.isArray(result) ? result : result.rows
  return rows.map(r => r.name)
}

/**
 * Deletes every row of the tenant from every tenant table, inside its RLS scope. Tables that
 * reference each other are retried in passes (a foreign key refuses the parent first), each
 * table in its own savepoint.
 */
export async function purgeTenant (deps: LifecycleDeps, tenantId: string): Promise<number> {
  let pending = await tenantTables(deps.owner)
  let total = 0
  for (let pass = 0; pending.length > 0 && pass < 10; pass++) {
    const failed: string[] = []
    await deps.db.withTenant(tenantId, async trx => {
      for (const table of pending) {
        try {
          await trx.transaction(async sp => {
            const result = await sp(table).del()
            total += typeof result === 'number' ? result : Number((result as { affectedRows?: number })?.affectedRows ?? 0)
          })
        } catch { failed.push(table) }
      }
    })
    if (failed.length === pending.length) throw new Error(`purge stuck on tables ${failed.join(', ')}`)
    pending = failed
  }
  for (const table of KERNEL_TENANT_TABLES) await deps.owner(table).where({ tenant: tenantId }).del()
  await deps.owner('refresh_tokens').where({ subject_tenant: tenantId }).del()
  return total
}

async function setStatus (deps: LifecycleDeps, tenant: Tenant, status: Tenant['status'], requestId: string): Promise<void> {
  await deps.tenancy.setTenantStatus(tenant.id, status)
  if (status === 'suspended') await deps.sessions.revokeTenant(tenant.id)
  deps.features.invalidate(tenant.id)
  deps.principals.forget(tenant.id)
}

/** /internal/v1/tenants/:id/*: the management side's tenant lifecycle (suspend, resume, export, delete, purge, toggles). */
export function registerLifecycleRoutes (internal: FastifyInstance, deps: LifecycleDeps): void {
  const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } }
  const common = { config: { public: true } }
  const tenantOr404 = async (id: string) => {
    const tenant = await deps.tenancy.tenantById(id)
    if (!tenant) throw new ApiError('not_found', `No tenant ${id}`)
    return tenant
  }
  const deletionOf = (id: string) => deps.owner('tenant_deletions').where({ tenant: id }).first()
  const describe = async (tenant: Tenant) => {
    const deletion = await deletionOf(tenant.id)
    return {
      id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status, externalId: tenant.external_id ?? null,
      license: await deps.features.license(tenant.id),
      features: await deps.features.overview(tenant.id),
      deletion: deletion ? { requestedAt: new Date(deletion.requested_at).toISOString(), purgeAfter: new Date(deletion.purge_after).toISOString(), purgedAt: deletion.purged_at ? new Date(deletion.purged_at).toISOString() : null, purgedRows: deletion.purged_rows ?? null } : null
    }
  }

  internal.post('/internal/v1/usage/report', {
    ...common,
    schema: { tags: ['internal'], summary: 'Collect usage now; with MANAGEMENT_URL set, also send it to management', security: [] }
  }, async () => {
    const report = await collectUsage(deps.owner, deps.db, deps.clock, deps.usage)
    if (deps.managementUrl) await sendUsage(deps.managementUrl, deps.internalTokens[0] as string, report)
    return { ...report, sent: Boolean(deps.managementUrl) }
  })

  internal.get('/internal/v1/tenants/:id', { ...common, schema: { tags: ['internal'], summary: 'A tenant: status, license, features, deletion', security: [], params } }, async request => {
    return describe(await tenantOr404((request.params as { id: string }).id))
  })

  for (const action of ['suspend', 'resume'] as const) {
    internal.post(`/internal/v1/tenants/:id/${action}`, {
      ...common,
      schema: { tags: ['internal'], summary: action === 'suspend' ? 'Suspend a tenant: sign-in, API, channels and ingest refused, jobs paused' : 'Resume a suspended tenant', security: [], params }
    }, async request => {
      const tenant = await tenantOr404((request.params as { id: string }).id)
      if (action === 'resume' && await deletionOf(tenant.id)) throw new ApiError('conflict', 'The tenant is being deleted; it cannot be resumed')
      await setStatus(deps, tenant, action === 'suspend' ? 'suspended' : 'active', request.id)
      await deps.audit.record({ action: action === 'suspend' ? 'tenant.suspended' : 'tenant.activated', actor: ACTOR, tenantId: tenant.id, target: `tenant:${tenant.id}`, requestId: request.id })
      return describe({ ...tenant, status: action === 'suspend' ? 'suspended' : 'active' })
    })
  }

  internal.put('/internal/v1/tenants/:id/features/:feature', {
    ...common,
    schema: {
      tags: ['internal'], summary: 'Switch a licensed feature on or off for a tenant', security: [],
      params: { type: 'object', required: ['id', 'feature'], properties: { id: { type: 'string', format: 'uuid' }, feature: { type: 'string', pattern: '^[a-z][a-z0-9.-]{0,63}$' } } },
      body: { type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } }
    }
  }, async request => {
    const { id, feature } = request.params as { id: string, feature: string }
    await tenantOr404(id)
    return deps.features.setFeature(id, feature, (request.body as { enabled: boolean }).enabled, { actor: ACTOR, requestId: request.id })
  })

  internal.get('/internal/v1/tenants/:id/export', {
    ...common,
    schema: { tags: ['internal'], summary: 'Every row of the tenant, NDJSON per table, as one .tar.gz', security: [], params }
  }, async (request, reply) => {
    const tenant = await tenantOr404((request.params as { id: string }).id)
    const result = await exportTenant(deps, tenant, await tenantTables(deps.owner), KERNEL_TENANT_TABLES)
    // The archive streams out as the reader takes it; its hash and size are known, and audited, at the end.
    const hash = createHash('sha256')
    let bytes = 0
    const counted = new Transform({ transform (chunk: Buffer, _enc, done) { hash.update(chunk); bytes += chunk.length; done(null, chunk) } })
    pipeline(result.stream, counted).then(
      () => deps.audit.record({ action: 'tenant.exported', actor: ACTOR, tenantId: tenant.id, target: `tenant:${tenant.id}`, details: { bytes, sha256: hash.digest('hex'), tables: result.tables }, requestId: request.id }),
      (err: Error) => request.log.warn({ err: err.message, tenant: tenant.id }, 'tenant export stopped before its end')
    ).catch(err => request.log.error({ err }, 'tenant export audit failed')).finally(() => result.cleanup())
    return reply
      .header('content-type', 'application/gzip')
      .header('content-disposition', `attachment; filename="${tenant.slug}-export.tar.gz"`)
      .send(counted)
  })

  internal.delete('/internal/v1/tenants/:id', {
    ...common,
    schema: {
      tags: ['internal'], summary: 'Delete a tenant: suspend now, purge its rows after the grace period', security: [], params,
      querystring: { type: 'object', additionalProperties: false, properties: { graceSeconds: { type: 'integer', minimum: 0, maximum: 365 * 86400, default: 30 * 86400 } } }
    }
  }, async (request, reply) => {
    const tenant = await tenantOr404((request.params as { id: string }).id)
    const { graceSeconds } = request.query as { graceSeconds: number }
    if (!await deletionOf(tenant.id)) {
      const now = deps.clock.now()
      try {
        await deps.owner('tenant_deletions').insert({ tenant: tenant.id, requested_by: ACTOR, requested_at: now, purge_after: new Date(now.getTime() + graceSeconds * 1000) })
      } catch (err) {
        if (!await deletionOf(tenant.id)) throw err // a parallel copy of this request won
      }
      await setStatus(deps, tenant, 'suspended', request.id)
      await deps.audit.record({ action: 'tenant.deletion_requested', actor: ACTOR, tenantId: tenant.id, target: `tenant:${tenant.id}`, details: { graceSeconds }, requestId: request.id })
    }
    return reply.code(202).send(await describe({ ...tenant, status: 'suspended' }))
  })

  internal.post('/internal/v1/tenants/:id/purge', {
    ...common,
    schema: { tags: ['internal'], summary: 'Purge a deleted tenant\'s rows once its grace period is over (idempotent)', security: [], params }
  }, async request => {
    const tenant = await tenantOr404((request.params as { id: string }).id)
    const deletion = await deletionOf(tenant.id)
    if (!deletion) throw new ApiError('conflict', 'Delete the tenant first (DELETE /internal/v1/tenants/:id)')
    if (!deletion.purged_at) {
      if (new Date(deletion.purge_after).getTime() > deps.clock.nowMs()) throw new ApiError('conflict', `The grace period runs until ${new Date(deletion.purge_after).toISOString()}`)
      const rows = await purgeTenant(deps, tenant.id)
      await deps.owner('tenant_deletions').where({ tenant: tenant.id }).update({ purged_at: deps.clock.now(), purged_rows: rows })
      deps.features.invalidate(tenant.id)
      // The tenant's own audit log is gone with its rows: this entry is platform-wide.
      await deps.audit.record({ action: 'tenant.purged', actor: ACTOR, target: `tenant:${tenant.id}`, details: { rows, slug: tenant.slug }, requestId: request.id })
    }
    return describe(tenant)
  })
}
