import { httpErrors, startupErrors, type HttpErrorCode, type StartupErrorCode } from './catalogue.ts'

/** The catalogue's shape: the kernel's `httpErrors` and each plugin's plugin.json `errors`. */
export type ProblemCatalogue = Readonly<Record<string, { readonly status: number, readonly title: string }>>

interface ApiErrorOptions { extra?: Record<string, unknown>, headers?: Record<string, string> }

/** An error that becomes an RFC 9457 problem+json response with a stable `code`. */
export class ApiError extends Error {
  /** The codes this class accepts; a plugin's class (`ApiError.for`) adds its own. */
  static readonly codes: ProblemCatalogue = httpErrors
  static readonly owner: string = 'the kernel'

  readonly code: string
  readonly status: number
  readonly title: string
  readonly extra: Record<string, unknown> | undefined
  readonly headers: Record<string, string> | undefined

  constructor (code: HttpErrorCode, detail?: string, options: ApiErrorOptions = {}) {
    const { codes, owner } = new.target
    // The types stop a typo at build time; this stops a cast or plain JavaScript at throw time,
    // so no response ever carries a code the docs' problem pages do not have.
    const spec = Object.hasOwn(codes, code) ? codes[code] : undefined
    if (!spec) throw new TypeError(`ApiError: "${String(code)}" is not an error code of ${owner}; declare it under "errors" in plugin.json`)
    super(detail ?? spec.title)
    this.name = 'ApiError'
    this.code = code
    this.status = spec.status
    this.title = spec.title
    this.extra = options.extra
    this.headers = options.headers
  }

  /**
   * The ApiError class of one plugin: it accepts the kernel's codes and the ones its plugin.json
   * declares under `errors`, typed from the imported JSON, e.g.
   * `import manifest from '../plugin.json' with { type: 'json' }; export const DevicesError = ApiError.for(manifest)`.
   */
  static for<const Codes extends ProblemCatalogue> (manifest: { readonly id: string, readonly errors?: Codes }) {
    const codes: ProblemCatalogue = { ...httpErrors, ...manifest.errors }
    return class PluginApiError extends ApiError {
      static override readonly codes = codes
      static override readonly owner = `the kernel or plugin "${manifest.id}"`
      constructor (code: HttpErrorCode | (keyof Codes & string), detail?: string, options?: ApiErrorOptions) {
        super(code as HttpErrorCode, detail, options)
      }
    }
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
