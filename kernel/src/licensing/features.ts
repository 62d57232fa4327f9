import type { PluginManifest } from '../plugins/manifest.ts'
import type { Knex } from 'knex'
import { ApiError } from '../errors/errors.ts'
import type { AuditService } from '../audit/audit.ts'
import type { PluginRecord, PluginRegistry } from '../plugins/registry.ts'
import { issuedAtOf, verifyLicense, type LicenseKeys } from './license.ts'
import { permissionsFor, pluginRoles } from '../tenancy/roles.ts'
import type { Clock } from '../clock/clock.ts'

interface TenantState {
  at: number
  licensed: Set<string>
  /** Milliseconds since the epoch; 0 without a license. */
  expiresAt: number
  toggles: Map<string, boolean>
  /** A suspended tenant has no enabled plugins: API, channels, ingest and jobs all stop. */
  suspended: boolean
  /** Derived once per state (and again once the license expires): the hot path reads these. */
  enabled?: { list: PluginRecord[], licenseLive: boolean }
  permissions: Map<string, Set<string>>
}

// Licence installs and operator toggles reach every instance within this window; on the
// instance that made the change they apply to the very next request.
const TTL_MS = 2000

/** The key an operator toggles a plugin by: its license feature, or its id when it has none. */
export const featureKey = (record: PluginRecord) => record.manifest.license?.feature ?? record.manifest.id

/**
 * Which plugins a tenant may use: licensed (unexpired) and not switched off by an operator.
 * Plugins without `license.feature` are always licensed.
 */
export function createFeatures (deps: { owner: Knex, registry: PluginRegistry, keys: LicenseKeys, audit: AuditService, clock: Clock }) {
  const cache = new Map<string, TenantState>()
  const loading = new Map<string, Promise<TenantState>>()
  // Bumped by every change: a load that began before a change must neither be cached nor shared
  // with requests after it (a background job's read racing a license install cached the old
  // state for a whole TTL).
  let changes = 0

  function cached (tenantId: string): TenantState | undefined {
    const hit = cache.get(tenantId)
    return hit && deps.clock.nowMs() - hit.at < TTL_MS ? hit : undefined
  }

  function state (tenantId: string): Promise<TenantState> {
    const hit = cached(tenantId)
    if (hit) return Promise.resolve(hit)
    // Requests arriving while the state reloads share one load.
    let pending = loading.get(tenantId)
    if (!pending) {
      const mine: Promise<TenantState> = load(tenantId).finally(() => { if (loading.get(tenantId) === mine) loading.delete(tenantId) })
      loading.set(tenantId, pending = mine)
    }
    return pending
  }

  /** After a change to the tenant's license or toggles: the next request reads them afresh. */
  function invalidate (tenantId: string): void {
    changes++
    cache.delete(tenantId)
    loading.delete(tenantId)
  }

  async function load (tenantId: string): Promise<TenantState> {
    const began = changes
    const [license, toggles, tenant] = await Promise.all([
      deps.owner('licenses').where({ tenant: tenantId }).first(),
      deps.owner('tenant_features').where({ tenant: tenantId }).select('feature', 'enabled'),
      deps.owner('tenants').where({ id: tenantId }).first('status')
    ])
    const fresh: TenantState = {
      at: deps.clock.nowMs(),
      licensed: new Set(license ? JSON.parse(license.features) : []),
      expiresAt: license ? new Date(license.expires_at).getTime() : 0,
      toggles: new Map(toggles.map((r: { feature: string, enabled: boolean }) => [r.feature, Boolean(r.enabled)])),
      suspended: tenant !== undefined && tenant.status !== 'active',
      permissions: new Map()
    }
    if (cache.size > 10_000) cache.clear()
    if (changes === began) cache.set(tenantId, fresh)
    return fresh
  }

  /**
   * `decide` on the tenant's state: at once while it is cached, not through an async function's
   * extra promise turns (ingest asks twice per request, thousands of times a second).
   */
  function answer<T> (tenantId: string, decide: (s: TenantState) => T): Promise<T> {
    const hit = cached(tenantId)
    return hit ? Promise.resolve(decide(hit)) : state(tenantId).then(decide)
  }

  const licensed = (s: TenantState, record: PluginRecord) => {
    const feature = record.manifest.license?.feature
    return feature === undefined || (s.licensed.has(feature) && s.expiresAt > deps.clock.nowMs())
  }
  const enabled = (s: TenantState, record: PluginRecord) =>
    !s.suspended && record.state === 'running' && licensed(s, record) && s.toggles.get(featureKey(record)) !== false

  function enabledList (s: TenantState): PluginRecord[] {
    const licenseLive = s.expiresAt > deps.clock.nowMs()
    if (!s.enabled || s.enabled.licenseLive !== licenseLive) {
      s.enabled = { list: deps.registry.running().filter(r => enabled(s, r)), licenseLive }
      s.permissions.clear()
    }
    return s.enabled.list
  }

  return {
    /** After a tenant's status changed on this instance: its next request reads it afresh. */
    invalidate,

    async enabledPlugins (tenantId: string): Promise<PluginRecord[]> {
      return enabledList(await state(tenantId))
    },

    /** The permissions `roles` hold in this tenant, and the tenant's enabled plugins. */
    async grants (tenantId: string, roles: string[]): Promise<{ enabled: PluginRecord[], permissions: Set<string> }> {
      const s = await state(tenantId)
      const list = enabledList(s)
      const key = roles.join(',')
      let permissions = s.permissions.get(key)
      if (!permissions) {
        permissions = permissionsFor(roles, list.flatMap(r => (r.manifest.permissions ?? []).map(p => p.id)), pluginRoles(list.map(r => r.manifest)))
        s.permissions.set(key, permissions)
      }
      return { enabled: list, permissions }
    },

    /**
     * Like isEnabled, for a plugin that may not run in this instance (an ingest-only instance
     * accepts kinds that plugins elsewhere consume): then license and toggles decide.
     */
    manifestEnabled (tenantId: string, manifest: PluginManifest): Promise<boolean> {
      return answer(tenantId, s => {
        const record = deps.registry.get(manifest.id)
        if (record) return enabled(s, record)
        const feature = manifest.license?.feature
        const isLicensed = feature === undefined || (s.licensed.has(feature) && s.expiresAt > deps.clock.nowMs())
        return !s.suspended && isLicensed && s.toggles.get(feature ?? manifest.id) !== false
      })
    },

    isEnabled (tenantId: string, pluginId: string): Promise<boolean> {
      const record = deps.registry.get(pluginId)
      return record === undefined ? Promise.resolve(false) : answer(tenantId, s => enabled(s, record))
    },

    /** Every installed plugin with its licensing and toggle state, for operators. */
    async overview (tenantId: string) {
      const s = await state(tenantId)
      return deps.registry.records.map(r => ({
        plugin: r.manifest.id,
        feature: featureKey(r),
        licensed: licensed(s, r),
        switchedOff: s.toggles.get(featureKey(r)) === false,
        enabled: enabled(s, r)
      }))
    },

    async license (tenantId: string) {
      const row = await deps.owner('licenses').where({ tenant: tenantId }).first()
      return row ? { features: JSON.parse(row.features) as string[], seats: row.seats as number, expiresAt: new Date(row.expires_at).toISOString(), updatedAt: new Date(row.updated_at).toISOString() } : null
    },

    /**
     * Verifies and stores a tenant's license. With `onlyNewer` (webhook deliveries, which may
     * arrive out of order) a license issued before the stored one is not applied (`applied: false`).
     */
    async installLicense (tenantId: string, token: string, who: { actor: string, requestId?: string }, options: { onlyNewer?: boolean } = {}) {
      const license = await verifyLicense(token, deps.keys.verify, tenantId)
      const row = { tenant: tenantId, token, features: JSON.stringify(license.features), seats: license.seats, expires_at: new Date(license.exp * 1000), updated_at: new Date() }
      const issuedAt = new Date(license.issuedAtMs).toISOString()
      let stale = false
      await deps.owner.transaction(async trx => {
        const current = await trx('licenses').where({ tenant: tenantId }).forUpdate().first('token')
        if (options.onlyNewer && current && issuedAtOf(current.token) > license.issuedAtMs) { stale = true; return }
        await trx('licenses').where({ tenant: tenantId }).del()
        await trx('licenses').insert(row)
      })
      if (stale) return { features: license.features, seats: license.seats, expiresAt: row.expires_at.toISOString(), issuedAt, applied: false }
      invalidate(tenantId)
      await deps.audit.record({ action: 'license.installed', actor: who.actor, tenantId, target: `tenant:${tenantId}`, details: { features: license.features, seats: license.seats, expiresAt: row.expires_at.toISOString() }, ...(who.requestId ? { requestId: who.requestId } : {}) })
      return { features: license.features, seats: license.seats, expiresAt: row.expires_at.toISOString(), issuedAt, applied: true }
    },

    async setFeature (tenantId: string, feature: string, on: boolean, who: { actor: string, requestId?: string }) {
      const records = deps.registry.records.filter(r => featureKey(r) === feature)
      if (records.length === 0) throw new ApiError('not_found', `No installed plugin has the feature "${feature}"`)
      invalidate(tenantId)
      const s = await state(tenantId)
      if (on && !records.every(r => licensed(s, r))) throw new ApiError('not_licensed', `The tenant's license does not include "${feature}"`)
      await deps.owner.transaction(async trx => {
        await trx('tenant_features').where({ tenant: tenantId, feature }).del()
        await trx('tenant_features').insert({ tenant: tenantId, feature, enabled: on, updated_at: new Date() })
      })
      invalidate(tenantId)
      await deps.audit.record({ action: on ? 'feature.enabled' : 'feature.disabled', actor: who.actor, tenantId, target: `feature:${feature}`, ...(who.requestId ? { requestId: who.requestId } : {}) })
      return { feature, enabled: on }
    }
  }
}

export type Features = ReturnType<typeof createFeatures>
