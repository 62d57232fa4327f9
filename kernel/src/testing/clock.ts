import type { CancelTimer, Clock } from '../clock/clock.ts'

interface Timer { due: number, period: number | null, fn: () => unknown }

/**
 * A clock that stands still until a test moves it. Lives in the test kit only: no configuration
 * reaches it, so a production kernel always runs on the system clock.
 */
export class ManualClock implements Clock {
  #now: number
  readonly #timers = new Set<Timer>()

  constructor (start: Date | number = Date.now()) {
    this.#now = typeof start === 'number' ? start : start.getTime()
  }

  now (): Date { return new Date(this.#now) }
  nowMs (): number { return this.#now }

  after (ms: number, fn: () => unknown): CancelTimer {
    const timer: Timer = { due: this.#now + Math.max(0, ms), period: null, fn }
    this.#timers.add(timer)
    return () => { this.#timers.delete(timer) }
  }

  every (ms: number, fn: () => unknown): CancelTimer {
    const period = Math.max(1, ms)
    const timer: Timer = { due: this.#now + period, period, fn }
    this.#timers.add(timer)
    return () => { this.#timers.delete(timer) }
  }

  /**
   * Moves time forward by `ms`, running the timers it passes in the order they fall due (time
   * stands at each one's due time while it runs, and its promise is awaited). A periodic timer
   * runs once however many of its periods were passed. Throws the timers' errors after all ran.
   */
  async advance (ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance(${ms}): time only moves forward; use set() to go back`)
    const target = this.#now + ms
    const errors: unknown[] = []
    const ran = new Set<Timer>()
    for (;;) {
      const next = [...this.#timers].filter(t => t.due <= target && !ran.has(t)).sort((a, b) => a.due - b.due)[0]
      if (!next) break
      ran.add(next)
      this.#now = Math.max(this.#now, next.due)
      if (next.period === null) this.#timers.delete(next)
      else next.due += Math.ceil((target - next.due + 1) / next.period) * next.period
      try { await next.fn() } catch (err) { errors.push(err) }
    }
    this.#now = target
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1) throw new AggregateError(errors, 'timers failed while the clock advanced')
  }

  /** Sets the time: forward runs what falls due (as `advance`); back runs nothing. */
  async set (to: Date | number): Promise<void> {
    const ms = typeof to === 'number' ? to : to.getTime()
    if (ms >= this.#now) return this.advance(ms - this.#now)
    this.#now = ms
  }
}
