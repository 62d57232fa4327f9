/** Cancels a timer started with `Clock.after` or `Clock.every`. */
export type CancelTimer = () => void

/**
 * The kernel's time, and the only one code should read where time decides behaviour (due
 * jobs, expiries, timeouts, status thresholds). Production runs the system clock; the test kit
 * can start a kernel on a manual one that only moves when a test advances it, so tests never
 * sleep for time to pass.
 */
export interface Clock {
  now (): Date
  /** `now().getTime()`, without the Date. */
  nowMs (): number
  /** Runs `fn` once, `ms` from now on this clock. Never keeps the process alive. */
  after (ms: number, fn: () => unknown): CancelTimer
  /**
   * Runs `fn` every `ms` on this clock. Never keeps the process alive. On a manual clock it runs
   * once per advance that passes one or more periods (a periodic check, not a counter).
   */
  every (ms: number, fn: () => unknown): CancelTimer
}

// setTimeout's limit: a longer wait fires at once.
const MAX_TIMER = 2 ** 31 - 1

/** Wall-clock time and real timers. */
export const systemClock: Clock = Object.freeze({
  now: () => new Date(),
  nowMs: () => Date.now(),
  after (ms: number, fn: () => unknown): CancelTimer {
    let timer: NodeJS.Timeout
    const arm = (left: number) => {
      timer = setTimeout(() => (left > MAX_TIMER ? arm(left - MAX_TIMER) : fn()), Math.max(0, Math.min(left, MAX_TIMER)))
      timer.unref()
    }
    arm(ms)
    return () => clearTimeout(timer)
  },
  every (ms: number, fn: () => unknown): CancelTimer {
    const timer = setInterval(fn, Math.max(1, Math.min(ms, MAX_TIMER)))
    timer.unref()
    return () => clearInterval(timer)
  }
})
