import { mkdirSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { join, resolve } from 'node:path'
import type { PluginContext, Transaction } from '@monozu/kernel'
import { ManagementError } from './errors.ts'
import { importSigningKey, signLicense, type SigningKey } from '@monozu/licensing'
import { CloudRefused, CloudUnavailable, cloudClient, type Cloud } from './cloud.ts'

export type ManagementConfig = {
  cloudUrl: string
  internalToken?: string
  webhookSecret?: string
  signingKey?: string
  deliveryBaseMs: number
  deliveryMaxMs: number
  deliveryWindowHours: number
  deliveryConcurrency: number
  exportDir?: string
  graceDays: number
}

export type Ctx = PluginContext<ManagementConfig>
export type LifecycleAction = 'suspend' | 'resume' | 'delete' | 'purge'
export type LicenseAction = 'issue' | 'renew' | 'upgrade' | 'revoke'

const json = (v: unknown) => JSON.stringify(v)
const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null)

export function planOut (r: Record<string, any>) {
  return { key: r.key, name: r.name, features: parse<string[]>(r.features), seats: r.seats, devices: r.devices ?? null, days: r.days, updatedAt: iso(r.updated_at) }
}
export function licenseOut (r: Record<string, any>) {
  return { id: r.id, tenantId: r.tenant, action: r.action, plan: r.plan ?? null, features: parse<string[]>(r.features), seats: r.seats, devices: r.devices ?? null, issuedAt: iso(r.issued_at), expiresAt: iso(r.expires_at), status: r.status, issuedBy: r.issued_by }
}
export function deliveryOut (r: Record<string, any>) {
  return { id: r.id, tenantId: r.tenant, licenseId: r.license, status: r.status, attempts: r.attempts, lastStatus: r.last_status ?? null, lastError: r.last_error ?? null, lastDurationMs: r.last_duration_ms ?? null, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), deliveredAt: iso(r.delivered_at) }
}
/**
 * An activity entry with its actor named: the staff member's current name and email when the
 * account is active, else those recorded when they acted; `system:*` and `internal:*` actors
 * have neither (the UI names them).
 */
export function activityOut (r: Record<string, any>, people: Map<string, { name: string, email: string }>) {
  const person = r.actor.startsWith('user:') ? people.get(r.actor.slice(5)) : undefined
  return {
    id: r.id, tenantId: r.tenant ?? null, at: iso(r.at), actor: r.actor,
    actorName: person?.name ?? r.actor_name ?? null, actorEmail: person?.email ?? r.actor_email ?? null,
    action: r.action, details: r.details ? parse(r.details) : null
  }
}

/** The active staff behind `user:<id>` actors of these rows, in the caller's transaction. */
export async function actorsOf (ctx: Ctx, trx: Transaction, rows: Array<{ actor: string }>) {
  const ids = [...new Set(rows.filter(r => r.actor.startsWith('user:')).map(r => r.actor.slice(5)))]
  const people = ids.length ? await ctx.tenants.users(trx, { ids, limit: 500 }) : []
  return new Map(people.map(p => [p.id, { name: p.name, email: p.email }]))
}

export function tenantOut (r: Record<string, any>) {
  return {
    id: r.id, slug: r.slug, name: r.name, adminEmail: r.admin_email, status: r.status, pending: r.pending ?? null, plan: r.plan ?? null,
    cloudId: r.cloud_id ?? null, inviteUrl: r.invite_url ?? null, lastError: r.last_error ?? null,
    usage: r.usage_at ? { seats: r.usage_seats, devices: r.usage_devices, at: iso(r.usage_at) } : null,
    overLimit: Boolean(r.over_limit),
    export: r.export_file ? { sha256: r.export_sha256, bytes: Number(r.export_bytes) } : null,
    purgeAfter: iso(r.purge_after), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at)
  }
}

/** The management domain: tenants, plans, licenses, deliveries and the activity trail. */
export function createManagement (ctx: Ctx) {
  const cfg = ctx.config
  const cloud: Cloud = cloudClient(cfg)
  let signing: Promise<SigningKey> | null = cfg.signingKey ? importSigningKey(JSON.parse(cfg.signingKey)) : null
  const exportDir = resolve(cfg.exportDir ?? 'management-exports')

  async function record (staff: string, tenant: string | null, actor: string, action: string, details: Record<string, unknown> = {}, requestId?: string) {
    await ctx.db.withTenant(staff, async trx => {
      const person = actor.startsWith('user:') ? (await ctx.tenants.users(trx, { ids: [actor.slice(5)] }))[0] : undefined
      await trx('mgmt_activity').insert({ tenant_id: staff, id: randomUUID(), tenant, at: ctx.clock.now(), actor, actor_name: person?.name ?? null, actor_email: person?.email ?? null, action, details: json(details) })
    })
    await ctx.audit.record({ action: `management.${action}`, actor, tenantId: staff, target: tenant ? `managed-tenant:${tenant}` : 'management', details, ...(requestId ? { requestId } : {}) })
  }

  const tenantRow = (trx: Transaction, id: string) => trx('mgmt_tenants').where({ id }).first()
  async function tenantOr404 (staff: string, id: string) {
    const row = await ctx.db.withTenant(staff, trx => tenantRow(trx, id))
    if (!row) throw new ManagementError('not_found', `No managed tenant ${id}`)
    return row
  }

  /** The signed license for a change, its row, and a pending delivery; the delivery job is queued after the commit. */
  async function changeLicense (staff: string, tenantId: string, input: { action: LicenseAction, plan?: string, features?: string[], seats?: number, devices?: number | null, days?: number }, actor: string, requestId?: string) {
    if (!signing) throw new ManagementError('management_not_configured', 'No signing key is configured (LICENSE_SIGNING_KEY)')
    const key = await signing
    const tenant = await tenantOr404(staff, tenantId)
    if (['deleting', 'deleted', 'failed'].includes(tenant.status)) throw new ManagementError('management_tenant_state', `The tenant is ${tenant.status}`)
    const current = await ctx.db.withTenant(staff, trx => trx('mgmt_licenses').where({ tenant: tenantId, status: 'current' }).orderBy('issued_at', 'desc').first())
    if (input.action !== 'issue' && !current) throw new ManagementError('management_tenant_state', `The tenant has no current license to ${input.action}`)
    let terms: { plan: string | null, features: string[], seats: number, devices: number | null, days: number }
    if (input.action === 'revoke') {
      terms = { plan: current.plan ?? null, features: [], seats: 0, devices: 0, days: 1 }
    } else {
      const planKey = input.plan ?? (input.action === 'renew' ? current?.plan : undefined)
      const plan = planKey ? await ctx.db.withTenant(staff, trx => trx('mgmt_plans').where({ key: planKey }).first()) : undefined
      if (planKey && !plan) throw new ManagementError('validation_failed', `No plan "${planKey}"`)
      const base = input.action === 'renew' && !input.plan && current
        ? { features: parse<string[]>(current.features), seats: current.seats, devices: current.devices ?? null, days: plan?.days ?? 365 }
        : plan ? { features: parse<string[]>(plan.features), seats: plan.seats, devices: plan.devices ?? null, days: plan.days } : null
      const features = input.features ?? base?.features
      const seats = input.seats ?? base?.seats
      if (!features || seats === undefined) throw new ManagementError('validation_failed', 'Give a plan, or features and seats')
      terms = { plan: planKey ?? null, features: [...new Set(features)].sort(), seats, devices: input.devices !== undefined ? input.devices : (base?.devices ?? null), days: input.days ?? base?.days ?? 365 }
    }
    const id = randomUUID()
    // Strictly increasing issue times per tenant: the cloud keeps the newest by this value.
    const issuedAtMs = Math.max(ctx.clock.nowMs(), current ? new Date(current.issued_at).getTime() + 1 : 0)
    const expiresAt = issuedAtMs + terms.days * 86_400_000
    const token = await signLicense(key, { tid: tenant.cloud_id ?? tenant.id, features: terms.features, seats: terms.seats, ...(terms.devices !== null ? { devices: terms.devices } : {}), ...(terms.plan ? { plan: terms.plan } : {}), lid: id, issuedAtMs, expiresAt })
    const deliveryId = randomUUID()
    const now = ctx.clock.now()
    const row = { tenant_id: staff, id, tenant: tenantId, action: input.action, plan: terms.plan, features: json(terms.features), seats: terms.seats, devices: terms.devices, issued_at: new Date(issuedAtMs), expires_at: new Date(expiresAt), status: input.action === 'revoke' ? 'revoked' : 'current', token, issued_by: actor }
    await ctx.db.withTenant(staff, async trx => {
      await trx('mgmt_licenses').where({ tenant: tenantId, status: 'current' }).update({ status: 'superseded' })
      await trx('mgmt_licenses').insert(row)
      await trx('mgmt_tenants').where({ id: tenantId }).update({ plan: input.action === 'revoke' ? null : terms.plan, updated_at: now })
      if (tenant.cloud_id) await trx('mgmt_deliveries').insert({ tenant_id: staff, id: deliveryId, tenant: tenantId, license: id, status: 'pending', attempts: 0, created_at: now, updated_at: now })
    })
    // Not provisioned yet: the license is re-signed for the cloud's id once it is (provision job).
    if (tenant.cloud_id) await ctx.jobs.enqueue('deliver', { id: deliveryId }, { tenantId: staff })
    await record(staff, tenantId, actor, `license.${input.action}`, { licenseId: id, plan: terms.plan, features: terms.features, seats: terms.seats, devices: terms.devices, expiresAt: new Date(expiresAt).toISOString() }, requestId)
    return { license: licenseOut(row), delivery: tenant.cloud_id ? deliveryId : null }
  }

  /** One attempt of a delivery; throws to be retried by the job queue with backoff. */
  async function deliver (staff: string, id: string, attempt: number): Promise<void> {
    const found = await ctx.db.withTenant(staff, async trx => {
      const d = await trx('mgmt_deliveries').where({ id }).first()
      if (!d || d.status === 'succeeded') return null
      const license = await trx('mgmt_licenses').where({ id: d.license }).first('token')
      const tenant = await tenantRow(trx, d.tenant)
      return { d, token: license?.token as string, cloudId: tenant?.cloud_id as string | null }
    })
    if (!found || !found.cloudId) return
    const outcome = await cloud.deliverLicense(id, found.cloudId, found.token)
    const now = ctx.clock.now()
    const expired = !outcome.ok && now.getTime() - new Date(found.d.created_at).getTime() > cfg.deliveryWindowHours * 3_600_000
    await ctx.db.withTenant(staff, async trx => {
      await trx('mgmt_delivery_attempts').insert({ tenant_id: staff, id: randomUUID(), delivery: id, at: now, status: outcome.status, duration_ms: outcome.durationMs, error: outcome.error?.slice(0, 2000) ?? null })
      await trx('mgmt_deliveries').where({ id }).update({
        status: outcome.ok ? 'succeeded' : expired ? 'failed' : 'pending',
        attempts: trx.raw('attempts + 1'), last_status: outcome.status, last_error: outcome.error?.slice(0, 2000) ?? null, last_duration_ms: outcome.durationMs, updated_at: now,
        ...(outcome.ok ? { delivered_at: now } : {})
      })
    })
    if (outcome.ok) return
    if (expired) {
      ctx.log.error({ delivery: id, attempts: attempt, error: outcome.error }, 'license delivery given up after the retry window')
      await ctx.notify({ tenantId: staff, type: 'management.delivery_failed', to: { permissions: ['management.write'] }, severity: 'critical', link: `/management/tenants/${found.d.tenant}`, title: { en: 'A license could not be delivered', pl: 'Nie udało się dostarczyć licencji' }, body: { en: `Delivery ${id} failed for ${cfg.deliveryWindowHours} hours: ${outcome.error ?? ''}. Redeliver it once the cloud is back.`, pl: `Dostarczenie ${id} nie udawało się przez ${cfg.deliveryWindowHours} godz.: ${outcome.error ?? ''}. Ponów je, gdy chmura wróci.` } })
      return
    }
    throw new Error(`delivery ${id} attempt ${attempt}: ${outcome.status ?? 'no answer'} ${outcome.error ?? ''}`)
  }

  async function redeliver (staff: string, id: string, actor: string, requestId?: string) {
    const d = await ctx.db.withTenant(staff, trx => trx('mgmt_deliveries').where({ id }).first())
    if (!d) throw new ManagementError('not_found', `No delivery ${id}`)
    // A new webhook-id: the cloud ignores a repeated id it already processed; the newest-license rule keeps this safe.
    const fresh = randomUUID()
    const now = ctx.clock.now()
    await ctx.db.withTenant(staff, trx => trx('mgmt_deliveries').insert({ tenant_id: staff, id: fresh, tenant: d.tenant, license: d.license, status: 'pending', attempts: 0, created_at: now, updated_at: now }))
    await ctx.jobs.enqueue('deliver', { id: fresh }, { tenantId: staff })
    await record(staff, d.tenant, actor, 'delivery.redelivered', { of: id, delivery: fresh }, requestId)
    return { id: fresh }
  }

  /** Creates the tenant on the cloud (idempotent by our id as externalId); throws to be retried while the cloud is down. */
  async function provision (staff: string, id: string): Promise<void> {
    const t = await ctx.db.withTenant(staff, trx => tenantRow(trx, id))
    if (!t || t.status !== 'provisioning') return
    let res
    try {
      res = await cloud.internal('POST', '/internal/v1/tenants', { externalId: t.id, name: t.name, slug: t.slug, admin: { email: t.admin_email } })
    } catch (err) {
      if (err instanceof CloudRefused) {
        await ctx.db.withTenant(staff, trx => trx('mgmt_tenants').where({ id }).update({ status: 'failed', last_error: err.message.slice(0, 2000), updated_at: ctx.clock.now() }))
        await record(staff, id, 'system:management', 'tenant.provision_failed', { error: err.message })
        return
      }
      await ctx.db.withTenant(staff, trx => trx('mgmt_tenants').where({ id }).update({ last_error: (err as Error).message.slice(0, 2000), updated_at: ctx.clock.now() }))
      throw err
    }
    const cloudId = res.json.tenant.id as string
    await ctx.db.withTenant(staff, trx => trx('mgmt_tenants').where({ id }).update({ status: 'active', cloud_id: cloudId, invite_url: res.json.invitation?.acceptUrl ?? null, last_error: null, updated_at: ctx.clock.now() }))
    await ctx.db.platform({ actor: 'system:management', reason: 'index a provisioned tenant for usage reports' }, trx => trx('mgmt_cloud_index').insert({ cloud_id: cloudId, staff_tenant: staff, managed: id }).onConflict('cloud_id').merge())
    await record(staff, id, 'system:management', 'tenant.provisioned', { cloudId, created: res.json.created })
    // A license issued before the tenant existed on the cloud: issue it again for the cloud's id.
    const waiting = await ctx.db.withTenant(staff, trx => trx('mgmt_licenses').where({ tenant: id, status: 'current' }).first())
    if (waiting) await changeLicense(staff, id, { action: 'renew', ...(waiting.plan ? { plan: waiting.plan } : { features: parse<string[]>(waiting.features), seats: waiting.seats, devices: waiting.devices }), days: Math.max(1, Math.round((new Date(waiting.expires_at).getTime() - ctx.clock.nowMs()) / 86_400_000)) }, 'system:management')
  }

  /** A lifecycle step on the cloud; throws CloudUnavailable to be retried. */
  async function lifecycle (staff: string, id: string, action: LifecycleAction): Promise<void> {
    const t = await ctx.db.withTenant(staff, trx => tenantRow(trx, id))
    if (!t || !t.cloud_id) return
    const update = (fields: Record<string, unknown>) => ctx.db.withTenant(staff, trx => trx('mgmt_tenants').where({ id }).update({ ...fields, updated_at: ctx.clock.now() }))
    try {
      if (action === 'suspend' || action === 'resume') {
        await cloud.internal('POST', `/internal/v1/tenants/${t.cloud_id}/${action}`)
        await update({ status: action === 'suspend' ? 'suspended' : 'active', pending: null, last_error: null })
      } else if (action === 'delete') {
        const graceSeconds = Math.round(cfg.graceDays * 86400)
        const answer = await cloud.internal('DELETE', `/internal/v1/tenants/${t.cloud_id}?graceSeconds=${graceSeconds}`)
        mkdirSync(exportDir, { recursive: true, mode: 0o700 })
        const file = join(exportDir, `${t.slug}-${t.id}.tar.gz`)
        // Streamed to disk as the cloud streams it: a large tenant never sits in memory here either.
        const { sha256, bytes } = await cloud.download(`/internal/v1/tenants/${t.cloud_id}/export`, file)
        const purgeAfter = new Date(answer.json?.deletion?.purgeAfter ?? ctx.clock.nowMs() + graceSeconds * 1000)
        await update({ status: 'deleting', pending: 'purge', export_file: file, export_sha256: sha256, export_bytes: bytes, purge_after: purgeAfter, last_error: null })
        await record(staff, id, 'system:management', 'tenant.exported', { sha256, bytes, purgeAfter: purgeAfter.toISOString() })
        await ctx.jobs.enqueue('lifecycle', { id, action: 'purge' }, { tenantId: staff, runAt: purgeAfter })
      } else {
        const answer = await cloud.internal('POST', `/internal/v1/tenants/${t.cloud_id}/purge`)
        await update({ status: 'deleted', pending: null, last_error: null })
        await record(staff, id, 'system:management', 'tenant.purged', { rows: answer.json?.deletion?.purgedRows ?? null })
      }
    } catch (err) {
      if (err instanceof CloudUnavailable) { await update({ last_error: err.message.slice(0, 2000) }); throw err }
      // The grace period is not over on the cloud's clock yet: try again later.
      if (err instanceof CloudRefused && action === 'purge' && err.status === 409) throw new Error(err.message)
      await update({ pending: null, last_error: (err as Error).message.slice(0, 2000) })
      await record(staff, id, 'system:management', `tenant.${action}_failed`, { error: (err as Error).message })
    }
  }

  return { cloud, record, tenantOr404, changeLicense, deliver, redeliver, provision, lifecycle, exportDir, setSigningKey: (k: string) => { signing = importSigningKey(JSON.parse(k)) } }
}

export type Management = ReturnType<typeof createManagement>
export { CloudRefused, CloudUnavailable }
