/**
 * When a failed delivery is tried again: after the first attempt fails, wait 5 s, then 5 min,
 * 30 min, 2 h, 5 h, 10 h and 6 h (each ±10% jitter so a failing endpoint's queue does not
 * arrive in one burst when it recovers). Eight attempts, the last about 23.5 hours after the
 * first; no attempt is ever scheduled more than 24 hours after the first of its round.
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 21_600_000] as const
export const RETRY_WINDOW_MS = 24 * 3600_000
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1

/**
 * The next attempt after `attemptsDone` attempts of this round have failed, or null when the
 * delivery has had its last one. `random` is in [0, 1).
 */
export function nextAttemptAt (attemptsDone: number, roundStartedAt: Date, now: Date, random: number = Math.random()): Date | null {
  const delay = RETRY_DELAYS_MS[attemptsDone - 1]
  if (delay === undefined) return null
  const jittered = delay * (0.9 + 0.2 * random)
  const deadline = roundStartedAt.getTime() + RETRY_WINDOW_MS
  const at = Math.min(now.getTime() + jittered, deadline)
  return at > now.getTime() ? new Date(at) : null
}
