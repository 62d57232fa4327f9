/** One appliance's stored render for one network, as the self routes serve it. */
export interface CachedConfig { peerId: string, networkId: string, config: string, firewall: string, configHash: string }

/**
 * The appliances' per-network configs held in memory for `ttlMs`, so a poll is the device-key
 * check (cached by devices) and a map lookup: no transaction. A change applied through this
 * instance drops its network's entries once it commits; a change through another instance is
 * seen within ttlMs. The vpn.apply command names the config hash, and the config's ETag carries
 * it, so an agent that fetched an older one within that window knows to fetch again.
 */
export class ConfigCache {
  readonly #entries = new Map<string, { value: CachedConfig | null, until: number }>()
  readonly ttlMs: number
  readonly now: () => number
  readonly max: number
  constructor (ttlMs: number, now: () => number, max = 50_000) { this.ttlMs = ttlMs; this.now = now; this.max = max }

  get (deviceId: string, networkId: string): CachedConfig | null | undefined {
    if (this.ttlMs <= 0) return undefined
    const key = `${deviceId}/${networkId}`
    const hit = this.#entries.get(key)
    if (!hit) return undefined
    if (hit.until > this.now()) return hit.value
    this.#entries.delete(key)
    return undefined
  }

  /** `null` remembers "no config" (a device that is no peer of it) for as long. */
  set (deviceId: string, networkId: string, value: CachedConfig | null): void {
    if (this.ttlMs <= 0) return
    if (this.#entries.size >= this.max) this.#entries.clear()
    this.#entries.set(`${deviceId}/${networkId}`, { value, until: this.now() + this.ttlMs })
  }

  dropNetwork (networkId: string): void {
    for (const key of this.#entries.keys()) if (key.endsWith(`/${networkId}`)) this.#entries.delete(key)
  }

  dropDevice (deviceId: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(`${deviceId}/`)) this.#entries.delete(key)
  }
}
