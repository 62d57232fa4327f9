// Per-IP submission limits. On Cloudflare, use the Workers Rate Limiting binding: isolate memory
// is per isolate and per location, so an in-memory count there is only a best effort (each new
// isolate starts from zero). The in-memory fixed window is what the Node adapter, local runs and
// a Worker deployed without the binding get.

/** The documented shape of a Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimitBinding {
  limit (options: { key: string }): Promise<{ success: boolean }>
}

export type Decision = { allowed: true, release (): void } | { allowed: false, retryAfterSeconds: number }

export interface RateLimiter {
  readonly kind: 'binding' | 'memory'
  take (key: string): Promise<Decision>
}

// The binding reports no reset time; its period is 10 or 60 seconds (wrangler.toml uses 60).
const BINDING_RETRY_AFTER_SECONDS = 60

export function isRateLimitBinding (value: unknown): value is RateLimitBinding {
  return typeof value === 'object' && value !== null && typeof (value as RateLimitBinding).limit === 'function'
}

export function bindingLimiter (binding: RateLimitBinding, log: (error: unknown) => void): RateLimiter {
  return {
    kind: 'binding',
    async take (key) {
      try {
        const { success } = await binding.limit({ key })
        // The binding cannot give a slot back, so release is a no-op here.
        return success ? { allowed: true, release () {} } : { allowed: false, retryAfterSeconds: BINDING_RETRY_AFTER_SECONDS }
      } catch (error) {
        // Fail open: Turnstile still stands between a bot and the mailbox, and a limiter outage
        // should not take the contact form down with it.
        log(error)
        return { allowed: true, release () {} }
      }
    }
  }
}

const SWEEP_AT = 10_000
// Past this many live windows (a flood of distinct keys), the oldest are dropped: memory stays
// bounded, at the price of forgetting some counts early.
const MAX_WINDOWS = 50_000

export function memoryLimiter (max: number, windowSeconds: number, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number, resetAt: number }>()
  return {
    kind: 'memory',
    async take (key) {
      const t = now()
      if (windows.size >= SWEEP_AT) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k)
        for (const k of windows.keys()) { if (windows.size < MAX_WINDOWS) break; windows.delete(k) }
      }
      let w = windows.get(key)
      if (w === undefined || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowSeconds * 1000 }
        windows.set(key, w)
      }
      if (w.count >= max) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - t) / 1000)) }
      w.count++
      const taken = w
      let released = false
      return {
        allowed: true,
        // A submission that failed on our side (siteverify or Resend down) gives its slot back:
        // people should not be locked out for retrying our outage.
        release () {
          if (released) return
          released = true
          if (windows.get(key) === taken && taken.count > 0) taken.count--
        }
      }
    }
  }
}
