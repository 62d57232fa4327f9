import type { FastifyServerOptions } from 'fastify'
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino'

/**
 * A request's logger that becomes a pino child only when it first writes a line at its level.
 * Fastify makes a child per request, and pino's child serialises the bindings and, for a route
 * with its own level, rebuilds every log method: about 2% of the ingest route's server thread in
 * a profile, for a route that at its level (warn) logs nothing when a request succeeds. The lines
 * written are the child's, as if it had been made at once.
 */
export class RequestLogger {
  readonly #parent: Logger
  #bindings: Bindings
  #options: ChildLoggerOptions
  #child: Logger | undefined

  constructor (parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #real (): Logger {
    return (this.#child ??= this.#parent.child(this.#bindings, this.#options))
  }

  #write (level: Level, args: unknown[]): void {
    if (this.#child === undefined && !this.isLevelEnabled(level)) return
    ;(this.#real()[level] as (...a: unknown[]) => void)(...args)
  }

  get level (): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level
  }

  set level (level: string) {
    if (this.#child) this.#child.level = level
    else this.#options = { ...this.#options, level }
  }

  isLevelEnabled (level: string): boolean {
    if (this.#child) return this.#child.isLevelEnabled(level)
    const values = this.#parent.levels.values
    const threshold = this.#options.level === undefined ? this.#parent.levelVal : values[this.#options.level]
    const value = values[level]
    return value !== undefined && threshold !== undefined && value >= threshold
  }

  /** pino's setBindings: the guard adds the tenant and user once the token is checked. */
  setBindings (bindings: Bindings): void {
    if (this.#child) this.#child.setBindings(bindings)
    else this.#bindings = { ...this.#bindings, ...bindings }
  }

  bindings (): Bindings {
    return this.#child ? this.#child.bindings() : { ...this.#parent.bindings(), ...this.#bindings }
  }

  child (bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.#real().child(bindings, options)
  }

  trace (...args: unknown[]): void { this.#write('trace', args) }
  debug (...args: unknown[]): void { this.#write('debug', args) }
  info (...args: unknown[]): void { this.#write('info', args) }
  warn (...args: unknown[]): void { this.#write('warn', args) }
  error (...args: unknown[]): void { this.#write('error', args) }
  fatal (...args: unknown[]): void { this.#write('fatal', args) }
  silent (): void {}
}

/**
 * Fastify's `childLoggerFactory`: a RequestLogger for a request whose level is above info. At info
 * or below, Fastify's own request lines need the child anyway, and the wrapper would only add its
 * cost (about 0.1-0.3 us a request in a loop).
 */
export const requestLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) => {
  const parent = logger as Logger
  const values = parent.levels.values
  const level = options.level === undefined ? parent.levelVal : values[options.level]
  return level !== undefined && level <= (values.info as number) ? parent.child(bindings, options) : new RequestLogger(parent, bindings, options)
}
