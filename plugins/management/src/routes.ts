import { createReadStream, existsSync } from 'node:fs'
import { randomUUID, createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { decodeCursor, page, pageOf, pageQuery } from '@monozu/kernel'
import { ManagementError } from './errors.ts'
import { activityOut, actorsOf, deliveryOut, licenseOut, planOut, tenantOut, type Ctx, type LifecycleAction, type Management } from './service.ts'

const P = '/api/v1/management'
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } }
const slug = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }
const featureKey = { type: 'string', pattern: '^[a-z][a-z0-9.-]{0,63}$' }
const planBody = {
  type: 'object', additionalProperties: false, required: ['name', 'features', 'seats', 'days'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    features: { type: 'array', maxItems: 100, uniqueItems: true, items: featureKey },
    seats: { type: 'integer', minimum: 0, maximum: 10_000_000 },
    devices: { type: ['integer', 'null'], minimum: 0, maximum: 100_000_000 },
    days: { type: 'integer', minimum: 1, maximum: 3650 }
  }
}
const read = { permission: 'management.read' }
const write = { permission: 'management.write' }
const admin = { permission: 'management.admin' }
const staffOf = (r: FastifyRequest) => r.auth!.tenant!.id
const actorOf = (r: FastifyRequest) => `user:${r.auth!.userId}`
const json = (v: unknown) => JSON.stringify(v)
const isUnique = (err: unknown) => ['23505', '2627', '2601'].includes(String((err as { code?: string }).code ?? (err as { number?: number }).number))

export function registerRoutes (app: FastifyInstance, ctx: Ctx, m: Management): void {
  // ---- plans
  app.get(`${P}/plans`, { config: read, schema: { tags: ['management'], summary: 'List plans' } }, async request => {
    const rows = await request.withTenant(trx => trx('mgmt_plans').orderBy('key'))
    return { items: rows.map(planOut) }
  })
  app.post(`${P}/plans`, {
    config: admin,
    schema: { tags: ['management'], summary: 'Create a plan', body: { ...planBody, required: ['key', ...planBody.required], properties: { ...planBody.properties, key: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,39}$' } } } }
  }, async (request, reply) => {
    const b = request.body as { key: string, name: string, features: string[], seats: number, devices?: number | null, days: number }
    const now = ctx.clock.now()
    const row = { tenant_id: staffOf(request), key: b.key, name: b.name, features: json([...b.features].sort()), seats: b.seats, devices: b.devices ?? null, days: b.days, created_at: now, updated_at: now }
    try { await request.withTenant(trx => trx('mgmt_plans').insert(row)) } catch (err) {
      if (isUnique(err)) throw new ManagementError('management_plan_exists', `A plan "${b.key}" exists`)
      throw err
    }
    await m.record(staffOf(request), null, actorOf(request), 'plan.created', { key: b.key, features: b.features, seats: b.seats, devices: b.devices ?? null, days: b.days }, request.id)
    return reply.code(201).send(planOut(row))
  })
  app.put(`${P}/plans/:key`, {
    config: admin,
    schema: { tags: ['management'], summary: 'Change a plan (licenses already issued keep their terms until renewed)', params: { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 40 } } }, body: planBody }
  }, async request => {
    const { key } = request.params as { key: string }
    const b = request.body as { name: string, features: string[], seats: number, devices?: number | null, days: number }
    const changes = { name: b.name, features: json([...b.features].sort()), seats: b.seats, devices: b.devices ?? null, days: b.days, updated_at: ctx.clock.now() }
    const row = await request.withTenant(async trx => {
      const n = await trx('mgmt_plans').where({ key }).update(changes)
      return n ? trx('mgmt_plans').where({ key }).first() : undefined
    })
    if (!row) throw new ManagementError('not_found', `No plan "${key}"`)
    await m.record(staffOf(request), null, actorOf(request), 'plan.updated', { key, features: b.features, seats: b.seats, devices: b.devices ?? null, days: b.days }, request.id)
    return planOut(row)
  })
  app.delete(`${P}/plans/:key`, { config: admin, schema: { tags: ['management'], summary: 'Delete a plan no tenant is on', params: { type: 'object', required: ['key'], properties: { key: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    const { key } = request.params as { key: string }
    const outcome = await request.withTenant(async trx => {
      if (await trx('mgmt_tenants').where({ plan: key }).whereNot({ status: 'deleted' }).first('id')) return 'in_use'
      const n = await trx('mgmt_plans').where({ key }).del()
      return (typeof n === 'number' ? n : 1) ? 'deleted' : 'missing'
    })
    if (outcome === 'in_use') throw new ManagementError('management_plan_in_use', `Tenants are on plan "${key}"`)
    await m.record(staffOf(request), null, actorOf(request), 'plan.deleted', { key }, request.id)
    return reply.code(204).send()
  })

  // ---- tenants
  app.get(`${P}/tenants`, {
    config: read,
    schema: { tags: ['management'], summary: 'Managed tenants with status, plan, usage against limits and the last delivery', querystring: { ...pageQuery, properties: { ...pageQuery.properties, status: { type: 'string', maxLength: 20 }, overLimit: { type: 'boolean' } } } }
  }, async request => {
    const { limit, cursor, status, overLimit } = request.query as { limit: number, cursor?: string, status?: string, overLimit?: boolean }
    const after = decodeCursor(cursor, { slug: 'string' })
    const { rows, licenses, deliveries } = await request.withTenant(async trx => {
      const rows = await trx('mgmt_tenants').modify(q => { if (status) q.where({ status }); if (overLimit !== undefined) q.where({ over_limit: overLimit }); if (after) q.where('slug', '>', after.slug) }).orderBy('slug').limit(limit + 1)
      const ids = rows.map((r: { id: string }) => r.id)
      const licenses = ids.length ? await trx('mgmt_licenses').whereIn('tenant', ids).whereIn('status', ['current', 'revoked']).orderBy('issued_at') : []
      const deliveries = ids.length ? await trx('mgmt_deliveries').whereIn('tenant', ids).orderBy('created_at') : []
      return { rows, licenses, deliveries }
    })
    const latest = <T extends { tenant: string }>(list: T[]) => new Map(list.map(x => [x.tenant, x]))
    const lic = latest(licenses as Array<{ tenant: string } & Record<string, any>>)
    const del = latest(deliveries as Array<{ tenant: string } & Record<string, any>>)
    const items = rows.map((r: Record<string, any>) => ({ ...tenantOut(r), license: lic.get(r.id) ? licenseOut(lic.get(r.id)!) : null, lastDelivery: del.get(r.id) ? deliveryOut(del.get(r.id)!) : null }))
    return page(items, limit, (t: { slug: string }) => ({ slug: t.slug }))
  })

  app.post(`${P}/tenants`, {
    config: write,
    schema: {
      tags: ['management'], summary: 'Create a tenant: provisioned on the cloud (retried while it is down), with a first license from a plan',
      body: { type: 'object', additionalProperties: false, required: ['name', 'slug', 'adminEmail'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, slug, adminEmail: { type: 'string', format: 'email', maxLength: 320 }, plan: { type: 'string', maxLength: 40 } } }
    }
  }, async (request, reply) => {
    const b = request.body as { name: string, slug: string, adminEmail: string, plan?: string }
    const staff = staffOf(request)
    if (b.plan && !await request.withTenant(trx => trx('mgmt_plans').where({ key: b.plan }).first('key'))) throw new ManagementError('validation_failed', `No plan "${b.plan}"`)
    const now = ctx.clock.now()
    const row = { tenant_id: staff, id: randomUUID(), slug: b.slug, name: b.name, admin_email: b.adminEmail.toLowerCase(), status: 'provisioning', over_limit: false, created_at: now, updated_at: now }
    try { await request.withTenant(trx => trx('mgmt_tenants').insert(row)) } catch (err) {
      if (isUnique(err)) throw new ManagementError('management_slug_taken', `A managed tenant "${b.slug}" exists`)
      throw err
    }
    await m.record(staff, row.id, actorOf(request), 'tenant.created', { slug: b.slug, name: b.name, adminEmail: row.admin_email, plan: b.plan ?? null }, request.id)
    if (b.plan) await m.changeLicense(staff, row.id, { action: 'issue', plan: b.plan }, actorOf(request), request.id)
    await ctx.jobs.enqueue('provision', { id: row.id }, { tenantId: staff, dedupeKey: `provision:${row.id}` })
    return reply.code(202).send(tenantOut(row))
  })

  app.get(`${P}/tenants/:id`, { config: read, schema: { tags: ['management'], summary: 'A managed tenant with its current license and limits', params: idParams } }, async request => {
    const { id } = request.params as { id: string }
    const t = await m.tenantOr404(staffOf(request), id)
    const license = await request.withTenant(trx => trx('mgmt_licenses').where({ tenant: id }).whereIn('status', ['current', 'revoked']).orderBy('issued_at', 'desc').first())
    return { ...tenantOut(t), license: license ? licenseOut(license) : null }
  })

  for (const action of ['suspend', 'resume'] as const) {
    app.post(`${P}/tenants/:id/${action}`, { config: admin, schema: { tags: ['management'], summary: `${action === 'suspend' ? 'Suspend' : 'Resume'} the tenant on the cloud`, params: idParams } }, async (request, reply) => {
      const { id } = request.params as { id: string }
      const t = await m.tenantOr404(staffOf(request), id)
      const allowed = action === 'suspend' ? ['active'] : ['suspended']
      if (!allowed.includes(t.status)) throw new ManagementError('management_tenant_state', `A ${t.status} tenant cannot be ${action === 'suspend' ? 'suspended' : 'resumed'}`)
      await lifecycleNow(request, id, action)
      return reply.code(202).send(tenantOut(await m.tenantOr404(staffOf(request), id)))
    })
  }

  app.delete(`${P}/tenants/:id`, {
    config: admin,
    schema: { tags: ['management'], summary: 'Delete the tenant: suspended and exported now, purged on the cloud after the grace period', params: idParams, body: { type: 'object', additionalProperties: false, required: ['confirm'], properties: { confirm: { type: 'string', maxLength: 63, description: 'The tenant\'s slug, typed by the staff member' } } } }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const t = await m.tenantOr404(staffOf(request), id)
    if ((request.body as { confirm: string }).confirm !== t.slug) throw new ManagementError('validation_failed', 'confirm must be the tenant\'s slug')
    if (['deleting', 'deleted'].includes(t.status)) return reply.code(202).send(tenantOut(t))
    if (!t.cloud_id) throw new ManagementError('management_tenant_state', 'The tenant is not provisioned on the cloud yet')
    await lifecycleNow(request, id, 'delete')
    return reply.code(202).send(tenantOut(await m.tenantOr404(staffOf(request), id)))
  })

  /** Marks the action pending, records it, and runs it once now; a cloud that is down gets it retried by the job. */
  async function lifecycleNow (request: FastifyRequest, id: string, action: LifecycleAction) {
    const staff = staffOf(request)
    await request.withTenant(trx => trx('mgmt_tenants').where({ id }).update({ pending: action, updated_at: ctx.clock.now() }))
    await m.record(staff, id, actorOf(request), `tenant.${action}`, {}, request.id)
    try {
      await m.lifecycle(staff, id, action)
    } catch (err) {
      request.log.warn({ err, tenant: id, action }, 'the cloud is unavailable: the action is retried in the background')
      await ctx.jobs.enqueue('lifecycle', { id, action }, { tenantId: staff, runAt: new Date(ctx.clock.nowMs() + ctx.config.deliveryBaseMs), dedupeKey: `lifecycle:${id}:${action}` })
    }
  }

  app.get(`${P}/tenants/:id/export`, { config: admin, schema: { tags: ['management'], summary: 'Download the export taken when the tenant was deleted (.tar.gz of NDJSON per table)', params: idParams } }, async (request, reply) => {
    const t = await m.tenantOr404(staffOf(request), (request.params as { id: string }).id)
    if (!t.export_file || !existsSync(t.export_file)) throw new ManagementError('not_found', 'No export: the tenant has not been deleted, or the file was removed')
    await m.record(staffOf(request), t.id, actorOf(request), 'tenant.export_downloaded', { sha256: t.export_sha256 }, request.id)
    return reply.header('content-type', 'application/gzip').header('content-disposition', `attachment; filename="${t.slug}-export.tar.gz"`).send(createReadStream(t.export_file))
  })

  // ---- licenses
  app.get(`${P}/tenants/:id/licenses`, { config: read, schema: { tags: ['management'], summary: 'License history, newest first', params: idParams } }, async request => {
    const { id } = request.params as { id: string }
    await m.tenantOr404(staffOf(request), id)
    const rows = await request.withTenant(trx => trx('mgmt_licenses').where({ tenant: id }).orderBy('issued_at', 'desc').limit(200))
    return { items: rows.map(licenseOut) }
  })
  app.post(`${P}/tenants/:id/licenses`, {
    config: write,
    schema: {
      tags: ['management'], summary: 'Issue, renew, upgrade or revoke the tenant\'s license; propagated to the cloud by a signed webhook', params: idParams,
      body: {
        type: 'object', additionalProperties: false, required: ['action'],
        properties: {
          action: { enum: ['issue', 'renew', 'upgrade', 'revoke'] }, plan: { type: 'string', maxLength: 40 },
          features: { type: 'array', maxItems: 100, uniqueItems: true, items: featureKey }, seats: { type: 'integer', minimum: 0, maximum: 10_000_000 },
          devices: { type: ['integer', 'null'], minimum: 0 }, days: { type: 'integer', minimum: 1, maximum: 3650 }
        }
      }
    }
  }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const result = await m.changeLicense(staffOf(request), id, request.body as Parameters<Management['changeLicense']>[2], actorOf(request), request.id)
    return reply.code(201).send(result)
  })

  // ---- feature toggles (the cloud's operator switch)
  app.get(`${P}/tenants/:id/features`, { config: read, schema: { tags: ['management'], summary: 'The tenant\'s modules on the cloud: licensed, switched off, enabled', params: idParams } }, async request => {
    const t = await m.tenantOr404(staffOf(request), (request.params as { id: string }).id)
    if (!t.cloud_id) return { items: [], license: null, status: t.status }
    const res = await cloudCall(() => m.cloud.internal('GET', `/internal/v1/tenants/${t.cloud_id}`))
    return { items: res.json.features, license: res.json.license, status: res.json.status }
  })
  app.put(`${P}/tenants/:id/features/:feature`, {
    config: write,
    schema: { tags: ['management'], summary: 'Switch a licensed module on or off for the tenant', params: { type: 'object', required: ['id', 'feature'], properties: { id: { type: 'string', format: 'uuid' }, feature: featureKey } }, body: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } } }
  }, async request => {
    const { id, feature } = request.params as { id: string, feature: string }
    const t = await m.tenantOr404(staffOf(request), id)
    if (!t.cloud_id) throw new ManagementError('management_tenant_state', 'The tenant is not provisioned on the cloud yet')
    const { enabled } = request.body as { enabled: boolean }
    const res = await cloudCall(() => m.cloud.internal('PUT', `/internal/v1/tenants/${t.cloud_id}/features/${feature}`, { enabled }))
    await m.record(staffOf(request), id, actorOf(request), enabled ? 'feature.enabled' : 'feature.disabled', { feature }, request.id)
    return res.json
  })

  // ---- deliveries
  app.get(`${P}/tenants/:id/deliveries`, { config: read, schema: { tags: ['management'], summary: 'License deliveries with their attempts, newest first', params: idParams } }, async request => {
    const { id } = request.params as { id: string }
    await m.tenantOr404(staffOf(request), id)
    const { rows, attempts } = await request.withTenant(async trx => {
      const rows = await trx('mgmt_deliveries').where({ tenant: id }).orderBy('created_at', 'desc').limit(100)
      const attempts = rows.length ? await trx('mgmt_delivery_attempts').whereIn('delivery', rows.map((r: { id: string }) => r.id)).orderBy('at') : []
      return { rows, attempts }
    })
    return {
      items: rows.map((r: Record<string, any>) => ({
        ...deliveryOut(r),
        attemptLog: attempts.filter((a: { delivery: string }) => a.delivery === r.id).map((a: Record<string, any>) => ({ at: new Date(a.at).toISOString(), status: a.status ?? null, durationMs: a.duration_ms, error: a.error ?? null }))
      }))
    }
  })
  app.post(`${P}/deliveries/:id/redeliver`, { config: write, schema: { tags: ['management'], summary: 'Send a delivery\'s license again', params: idParams } }, async (request, reply) => {
    return reply.code(202).send(await m.redeliver(staffOf(request), (request.params as { id: string }).id, actorOf(request), request.id))
  })

  // ---- activity
  app.get(`${P}/tenants/:id/activity`, { config: read, schema: { tags: ['management'], summary: 'What staff and the system did to this tenant, newest first', params: idParams } }, async request => {
    const { id } = request.params as { id: string }
    const { rows, people } = await request.withTenant(async trx => {
      const rows = await trx('mgmt_activity').where({ tenant: id }).orderBy('at', 'desc').limit(200)
      return { rows, people: await actorsOf(ctx, trx, rows) }
    })
    return { items: rows.map((r: Record<string, any>) => activityOut(r, people)) }
  })
  app.get(`${P}/activity`, { config: read, schema: { tags: ['management'], summary: 'All management activity, newest first', querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 100 } } } } }, async request => {
    const { rows, people } = await request.withTenant(async trx => {
      const rows = await trx('mgmt_activity').orderBy('at', 'desc').limit((request.query as { limit: number }).limit)
      return { rows, people: await actorsOf(ctx, trx, rows) }
    })
    return { items: rows.map((r: Record<string, any>) => activityOut(r, people)) }
  })

  // ---- usage from the cloud (machine to machine)
  const expected = ctx.config.internalToken ? createHash('sha256').update(ctx.config.internalToken).digest() : null
  app.post('/internal/v1/usage', {
    config: { public: true },
    schema: {
      tags: ['management'], summary: 'The cloud\'s hourly usage report (X-Internal-Token)', security: [],
      body: {
        type: 'object', required: ['tenants'],
        properties: {
          reportedAt: { type: 'string', format: 'date-time' },
          // counts: the plugin counters of kernel API 1.5 (counts.devices); devices: a cloud on kernel API < 1.5.
          tenants: { type: 'array', maxItems: 100_000, items: { type: 'object', required: ['tenantId', 'seats'], properties: { tenantId: { type: 'string', format: 'uuid' }, externalId: { type: ['string', 'null'] }, seats: { type: 'integer', minimum: 0 }, counts: { type: 'object', maxProperties: 100, additionalProperties: { type: 'integer', minimum: 0 } }, devices: { type: 'integer', minimum: 0 } } } }
        }
      }
    },
    preValidation: async request => {
      const given = request.headers['x-internal-token']
      if (!expected) throw new ManagementError('not_found', 'Usage reports are not configured (internalToken)')
      if (typeof given !== 'string' || !timingSafeEqual(createHash('sha256').update(given).digest(), expected)) throw new ManagementError('unauthorized', 'X-Internal-Token is missing or wrong')
    }
  }, async request => {
    const reported = request.body as { tenants: Array<{ tenantId: string, seats: number, counts?: Record<string, number>, devices?: number }> }
    const tenants = reported.tenants.map(t => ({ tenantId: t.tenantId, seats: t.seats, devices: t.counts?.devices ?? t.devices ?? 0 }))
    const index: Array<{ cloud_id: string, staff_tenant: string, managed: string }> = tenants.length
      ? await ctx.db.platform({ actor: 'internal:cloud', reason: 'usage report' }, trx => trx('mgmt_cloud_index').whereIn('cloud_id', tenants.map(t => t.tenantId)))
      : []
    const byCloud = new Map(index.map(i => [i.cloud_id, i]))
    let matched = 0
    const over: Array<{ staff: string, id: string, slug: string, seats: number, devices: number, limits: { seats: number, devices: number | null } }> = []
    for (const u of tenants) {
      const where = byCloud.get(u.tenantId)
      if (!where) continue
      matched++
      const now = ctx.clock.now()
      const result = await ctx.db.withTenant(where.staff_tenant, async trx => {
        const t = await trx('mgmt_tenants').where({ id: where.managed }).first()
        if (!t) return null
        const license = await trx('mgmt_licenses').where({ tenant: where.managed }).whereIn('status', ['current', 'revoked']).orderBy('issued_at', 'desc').first()
        const limits = license ? { seats: license.seats as number, devices: (license.devices ?? null) as number | null } : { seats: 0, devices: 0 }
        const isOver = u.seats > limits.seats || (limits.devices !== null && u.devices > limits.devices)
        await trx('mgmt_tenants').where({ id: where.managed }).update({ usage_seats: u.seats, usage_devices: u.devices, usage_at: now, over_limit: isOver })
        return { wasOver: Boolean(t.over_limit), isOver, slug: t.slug as string, limits }
      })
      if (result && result.isOver && !result.wasOver) over.push({ staff: where.staff_tenant, id: where.managed, slug: result.slug, seats: u.seats, devices: u.devices, limits: result.limits })
    }
    for (const o of over) {
      await m.record(o.staff, o.id, 'internal:cloud', 'usage.over_limit', { seats: o.seats, devices: o.devices, limits: o.limits })
      await ctx.notify({
        tenantId: o.staff, type: 'management.over_limit', to: { permissions: ['management.read'] }, severity: 'warning', link: `/management/tenants/${o.id}`,
        title: { en: `${o.slug} is over its license limits`, pl: `${o.slug} przekracza limity licencji` },
        body: { en: `Seats ${o.seats}/${o.limits.seats}, devices ${o.devices}/${o.limits.devices ?? '∞'}.`, pl: `Stanowiska ${o.seats}/${o.limits.seats}, urządzenia ${o.devices}/${o.limits.devices ?? '∞'}.` }
      })
    }
    return { received: tenants.length, matched, newlyOverLimit: over.length }
  })
}

/** A cloud call made for a staff member: unreachable is a 503 they can read, a refusal keeps its status. */
async function cloudCall<T> (fn: () => Promise<T>): Promise<T> {
  try { return await fn() } catch (err) {
    const e = err as Error & { status?: number | null, body?: { code?: string, detail?: string } }
    if (e.status === 404) throw new ManagementError('not_found', e.body?.detail ?? e.message)
    if (e.name === 'CloudUnavailable') throw new ManagementError('service_unavailable', e.message)
    if (e.name === 'CloudRefused') {
      if (e.body?.code === 'not_licensed') throw new ManagementError('conflict', e.body.detail ?? e.message)
      if (e.status === 404) throw new ManagementError('not_found', e.body?.detail ?? e.message)
      throw new ManagementError('conflict', e.message)
    }
    throw err
  }
}

export { pageOf }
