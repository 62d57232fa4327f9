/**
 * Token buckets (events per second with a burst), one per key. In memory, per instance: behind a
 * load balancer with N ingest instances a device can reach N times its rate (documented).
 */
export function createBuckets (rate: number, burst: number) {
  const buckets = new Map<string, { tokens: number, at: number }>()
  return {
    /** Takes `cost` tokens, or answers how many seconds until there are enough. */
    take (key: string, cost: number, now = Date.now()): { ok: true } | { ok: false, retryAfter: number } {
      if (rate <= 0) return { ok: true }
      const b = buckets.get(key) ?? { tokens: burst, at: now }
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate)
      b.at = now
      if (b.tokens >= cost) {
        b.tokens -= cost
        buckets.set(key, b)
        return { ok: true }
      }
      buckets.set(key, b)
      if (buckets.size > 200_000) buckets.clear()
      return { ok: false, retryAfter: Math.max(1, Math.ceil((cost - b.tokens) / rate)) }
    },
    /** Gives tokens back (the other bucket refused the request). */
    refund (key: string, cost: number): void {
      const b = buckets.get(key)
      if (b) b.tokens = Math.min(burst, b.tokens + cost)
    }
  }
}
