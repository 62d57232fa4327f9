import { httpErrors, startupErrors, type HttpErrorCode, type StartupErrorCode } from './catalogue.ts'

/** An error that becomes an RFC 9457 problem+json response with a stable `code`. */
export class ApiError extends Error {
  readonly code: HttpErrorCode
  readonly status: number
  readonly extra: Record<string, unknown> | undefined
  readonly headers: Record<string, string> | undefined

  constructor (code: HttpErrorCode, detail?: string, options: { extra?: Record<string, unknown>, headers?: Record<string, string> } = {}) {
    super(detail ?? httpErrors[code].title)
    this.name = 'ApiError'
    this.code = code
    this.status = httpErrors[code].status
    this.extra = options.extra
    this.headers = options.headers
  }
}

/** A start-up failure: the message names the plugin or variable, the field and the rule. */
export class StartupError extends Error {
  readonly code: StartupErrorCode
  readonly pluginId: string | undefined

  constructor (code: StartupErrorCode, detail: string, options: { pluginId?: string, cause?: unknown } = {}) {
    super(`${startupErrors[code]} [${code}]: ${detail}`, { cause: options.cause })
    this.name = 'StartupError'
    this.code = code
    this.pluginId = options.pluginId
  }
}
