import { randomUUID } from 'node:crypto'
import type { Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { newSecret, parseSecret, sameHash } from './secrets.ts'

export interface DeviceIdentity {
  tenantId: string
  deviceId: string
  /** The prefix of the key the caller used: what a long-lived device socket re-checks. */
  keyPrefix: string
}

export interface KeyState { revoked: boolean, validUntil: number | null }

/** Whether each key (by prefix) still works, and until when; a missing prefix is a deleted key. */
export async function keyStates (trx: Transaction, prefixes: string[]): Promise<Map<string, KeyState>> {
  const rows = await trx('device_keys as k')
    .join('devices as d', function () { this.on('d.id', 'k.device_id').andOn('d.tenant_id', 'k.tenant_id') })
    .whereIn('k.prefix', prefixes)
    .select('k.prefix', 'k.valid_until', 'k.revoked_at', 'd.revoked_at as device_revoked_at')
  return new Map(rows.map((r: { prefix: string, valid_until: unknown, revoked_at: unknown, device_revoked_at: unknown }) => [r.prefix, {
    revoked: Boolean(r.revoked_at || r.device_revoked_at),
    validUntil: r.valid_until ? new Date(r.valid_until as string).getTime() : null
  }]))
}

interface Cached { identity: DeviceIdentity, validUntil: number | null, at: number }

/**
 * Device keys: issued, rotated (the old key works for an overlap) and revoked. Checked keys are
 * trusted for `cacheSeconds` so ingest at thousands of requests per second does not look each one
 * up; a revocation clears this instance's cache at once, others within `cacheSeconds`.
 */
export function createDeviceKeys (ctx: Ctx, options: { cacheSeconds: number, overlapSeconds: number }) {
  const cache = new Map<string, Cached>()

  async function lookup (key: string): Promise<Cached | null> {
    const parsed = parseSecret('mzd', key)
    if (!parsed) return null
    const tenant = await ctx.tenants.get(parsed.tenantId)
    if (!tenant || tenant.status !== 'active') return null
    const row = await ctx.db.withTenant(parsed.tenantId, trx => trx('device_keys as k')
      .join('devices as d', function () { this.on('d.id', 'k.device_id').andOn('d.tenant_id', 'k.tenant_id') })
      .where('k.prefix', parsed.prefix).whereNull('k.revoked_at').whereNull('d.revoked_at')
      .first('k.key_hash', 'k.valid_until', 'k.device_id'))
    if (!row || !sameHash(row.key_hash, parsed.hash)) return null
    const validUntil = row.valid_until ? new Date(row.valid_until).getTime() : null
    return { identity: { tenantId: parsed.tenantId, deviceId: row.device_id, keyPrefix: parsed.prefix }, validUntil, at: ctx.clock.nowMs() }
  }

  async function authenticateUncached (key: string, now: number): Promise<DeviceIdentity | null> {
    const found = await lookup(key)
    if (!found || (found.validUntil !== null && found.validUntil <= now)) return null
    if (options.cacheSeconds > 0) {
      if (cache.size > 100_000) cache.clear()
      cache.set(key, found)
    }
    return found.identity
  }

  return {
    /**
     * The device a key belongs to, or null for an unknown, revoked or rotated-out key. Not async:
     * a cached key (nearly every ingest request) is answered without an async function's extra turns.
     */
    authenticate (key: unknown): Promise<DeviceIdentity | null> {
      if (typeof key !== 'string' || key.length > 200) return Promise.resolve(null)
      const now = ctx.clock.nowMs()
      const hit = cache.get(key)
      if (hit && now - hit.at < options.cacheSeconds * 1000 && (hit.validUntil === null || hit.validUntil > now)) return Promise.resolve(hit.identity)
      cache.delete(key)
      return authenticateUncached(key, now)
    },

    async issue (trx: Transaction, tenantId: string, deviceId: string): Promise<{ key: string, prefix: string }> {
      const secret = newSecret('mzd', tenantId)
      await trx('device_keys').insert({ tenant_id: tenantId, id: randomUUID(), device_id: deviceId, prefix: secret.prefix, key_hash: secret.hash })
      return { key: secret.value, prefix: secret.prefix }
    },

    /** A new key; the device's current keys keep working until the returned time. */
    async rotate (trx: Transaction, tenantId: string, deviceId: string): Promise<{ key: string, previousKeyValidUntil: string }> {
      const until = new Date(ctx.clock.nowMs() + options.overlapSeconds * 1000)
      // A key already rotated out keeps its earlier end: rotating twice never extends it.
      await trx('device_keys').where({ device_id: deviceId }).whereNull('revoked_at').where(q => q.whereNull('valid_until').orWhere('valid_until', '>', until)).update({ valid_until: until })
      const issued = await this.issue(trx, tenantId, deviceId)
      this.forget(deviceId)
      return { key: issued.key, previousKeyValidUntil: until.toISOString() }
    },

    async revokeAll (trx: Transaction, deviceId: string): Promise<void> {
      await trx('device_keys').where({ device_id: deviceId }).whereNull('revoked_at').update({ revoked_at: ctx.clock.now() })
      this.forget(deviceId)
    },

    async prefixes (trx: Transaction, deviceId: string): Promise<string[]> {
      const rows = await trx('device_keys').where({ device_id: deviceId }).whereNull('revoked_at')
        .where(q => q.whereNull('valid_until').orWhere('valid_until', '>', ctx.clock.now())).orderBy('created_at', 'desc').select('prefix')
      return rows.map((r: { prefix: string }) => r.prefix)
    },

    forget (deviceId: string): void {
      for (const [key, entry] of cache) if (entry.identity.deviceId === deviceId) cache.delete(key)
    }
  }
}

export type DeviceKeys = ReturnType<typeof createDeviceKeys>
