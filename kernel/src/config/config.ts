import { Ajv } from 'ajv'
import { StartupError } from '../errors/errors.ts'

export interface KernelConfig {
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  databaseAppUrl: string | undefined
  databasePoolMax: number
  redisUrl: string | undefined
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  logFormat: 'json' | 'pretty'
  publicUrl: string | undefined
  adminPanelEnabled: boolean
  pluginsDirs: string[]
  accessTokenTtlSeconds: number
  demoPassword: string | undefined
  nodeEnv: string
  allowedOrigins: string[]
  refreshIdleSeconds: number
  refreshAbsoluteSeconds: number
  refreshRaceGraceSeconds: number
  licensePublicKey: string | undefined
  licenseWebhookSecrets: string[]
  internalTokens: string[]
  uiBaseUrl: string | undefined
  pluginStartFailure: 'auto' | 'stop' | 'disable'
  jobWorker: boolean
  jobConcurrency: number
  jobLeaseSeconds: number
  jobPollMs: number
  jobShutdownSeconds: number
  auditRetentionDays: number
  wsHeartbeatSeconds: number
  wsRecheckSeconds: number
  outboundAllowPrivate: boolean
}

interface Variable {
  key: keyof KernelConfig
  env: string
  expects: string
  parse: (raw: string) => unknown
  fallback: unknown
}

const int = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : Number.NaN)
const bool = (raw: string) => (raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : undefined)
const list = (raw: string) => raw.split(/[,:]/).map(s => s.trim()).filter(Boolean)

/** The one table of environment variables: README's configuration table mirrors it. */
export const variables: Variable[] = [
  { key: 'port', env: 'PORT', expects: 'an integer port 0-65535', parse: int, fallback: 8000 },
  { key: 'host', env: 'HOST', expects: 'a host name or IP address to listen on', parse: s => s, fallback: '127.0.0.1' },
  { key: 'dataDir', env: 'DATA_DIR', expects: 'a folder path for keys and the embedded database', parse: s => s, fallback: '.monozu' },
  { key: 'databaseUrl', env: 'DATABASE_URL', expects: 'postgres://... or mssql://... (unset: embedded PGlite in DATA_DIR)', parse: s => s, fallback: undefined },
  { key: 'databaseAppUrl', env: 'DATABASE_APP_URL', expects: 'a URL for the non-superuser runtime role (unset: provisioned from DATABASE_URL)', parse: s => s, fallback: undefined },
  { key: 'databasePoolMax', env: 'DATABASE_POOL_MAX', expects: 'an integer 1-200', parse: int, fallback: 10 },
  { key: 'redisUrl', env: 'REDIS_URL', expects: 'redis://host:port', parse: s => s, fallback: undefined },
  { key: 'logLevel', env: 'LOG_LEVEL', expects: 'one of fatal, error, warn, info, debug, trace, silent', parse: s => s, fallback: 'info' },
  { key: 'logFormat', env: 'LOG_FORMAT', expects: 'json (one JSON object a line, for log collectors) or pretty (readable lines; per-request lines go to DATA_DIR/logs/requests.log below debug level); unset: pretty on a terminal, else json', parse: s => s, fallback: process.stdout.isTTY ? 'pretty' : 'json' },
  { key: 'publicUrl', env: 'PUBLIC_URL', expects: 'an absolute http(s) URL where users reach the platform', parse: s => s, fallback: undefined },
  { key: 'adminPanelEnabled', env: 'ADMIN_PANEL_ENABLED', expects: 'true or false', parse: bool, fallback: false },
  { key: 'pluginsDirs', env: 'PLUGINS_DIRS', expects: 'a comma- or colon-separated list of plugin folders', parse: list, fallback: [] },
  { key: 'accessTokenTtlSeconds', env: 'ACCESS_TOKEN_TTL', expects: 'seconds, an integer 60-3600', parse: int, fallback: 600 },
  { key: 'demoPassword', env: 'MONOZU_DEMO_PASSWORD', expects: 'a password of at least 10 characters', parse: s => s, fallback: undefined },
  { key: 'nodeEnv', env: 'NODE_ENV', expects: 'development, production or test', parse: s => s, fallback: 'development' },
  { key: 'allowedOrigins', env: 'ALLOWED_ORIGINS', expects: 'a comma-separated list of origins (https://app.example) allowed to refresh sessions, besides PUBLIC_URL', parse: s => s.split(',').map(x => x.trim()).filter(Boolean), fallback: [] },
  { key: 'refreshIdleSeconds', env: 'REFRESH_IDLE_SECONDS', expects: 'seconds a session may stay unused, an integer 300-31536000', parse: int, fallback: 7 * 24 * 3600 },
  { key: 'refreshAbsoluteSeconds', env: 'REFRESH_ABSOLUTE_SECONDS', expects: 'seconds a session lives at most, an integer 300-31536000', parse: int, fallback: 30 * 24 * 3600 },
  { key: 'refreshRaceGraceSeconds', env: 'REFRESH_RACE_GRACE_SECONDS', expects: 'seconds within which a second use of a refresh token counts as a race, not theft, an integer 0-30', parse: int, fallback: 2 },
  { key: 'licensePublicKey', env: 'LICENSE_PUBLIC_KEY', expects: 'the management side\'s ES256 public key as PEM (SPKI) or JWK JSON (unset: a dev key in DATA_DIR)', parse: s => s, fallback: undefined },
  { key: 'licenseWebhookSecrets', env: 'LICENSE_WEBHOOK_SECRET', expects: 'one or more whsec_<base64> secrets separated by spaces or commas', parse: s => s.split(/[\s,]+/).filter(Boolean), fallback: [] },
  { key: 'internalTokens', env: 'INTERNAL_TOKENS', expects: 'one or two secrets (at least 32 characters) separated by commas, accepted in X-Internal-Token', parse: s => s.split(',').map(x => x.trim()).filter(Boolean), fallback: [] },
  { key: 'pluginStartFailure', env: 'PLUGIN_START_FAILURE', expects: 'auto (third-party plugins are disabled, ours stop the boot), stop or disable', parse: s => s, fallback: 'auto' },
  { key: 'jobWorker', env: 'JOB_WORKER', expects: 'true or false: run the job worker and scheduler in this instance', parse: bool, fallback: true },
  { key: 'jobConcurrency', env: 'JOB_CONCURRENCY', expects: 'jobs running at once per instance, an integer 1-1000', parse: int, fallback: 16 },
  { key: 'jobLeaseSeconds', env: 'JOB_LEASE_SECONDS', expects: 'seconds a claimed job stays locked without a heartbeat, an integer 1-3600', parse: int, fallback: 30 },
  { key: 'jobPollMs', env: 'JOB_POLL_MS', expects: 'milliseconds between looks for due jobs when idle, an integer 10-60000', parse: int, fallback: 500 },
  { key: 'jobShutdownSeconds', env: 'JOB_SHUTDOWN_SECONDS', expects: 'seconds shutdown waits for running jobs, an integer 0-600', parse: int, fallback: 10 },
  { key: 'auditRetentionDays', env: 'AUDIT_RETENTION_DAYS', expects: 'days audit entries are kept, an integer 1-36500', parse: int, fallback: 365 },
  { key: 'wsHeartbeatSeconds', env: 'WS_HEARTBEAT_SECONDS', expects: 'seconds between WebSocket pings, an integer 1-300', parse: int, fallback: 30 },
  { key: 'wsRecheckSeconds', env: 'WS_RECHECK_SECONDS', expects: 'seconds between re-checks of each socket\'s permission and feature, an integer 1-300', parse: int, fallback: 5 },
  { key: 'outboundAllowPrivate', env: 'OUTBOUND_ALLOW_PRIVATE', expects: 'true or false: let server-side requests to tenant-supplied URLs (OIDC issuer, webhooks) reach loopback and private addresses; development and tests only', parse: bool, fallback: false },
  { key: 'uiBaseUrl', env: 'UI_BASE_URL', expects: 'an absolute URL or path under which UI modules are served (default: /ui on this origin)', parse: s => s, fallback: undefined }
]

const schema = {
  type: 'object',
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    dataDir: { type: 'string', minLength: 1 },
    databaseUrl: { type: 'string', pattern: '^(postgres|postgresql|mssql)://' },
    databaseAppUrl: { type: 'string', pattern: '^(postgres|postgresql|mssql)://' },
    databasePoolMax: { type: 'integer', minimum: 1, maximum: 200 },
    redisUrl: { type: 'string', pattern: '^rediss?://' },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    logFormat: { enum: ['json', 'pretty'] },
    publicUrl: { type: 'string', pattern: '^https?://[^\\s]+$' },
    adminPanelEnabled: { type: 'boolean' },
    pluginsDirs: { type: 'array', items: { type: 'string' } },
    accessTokenTtlSeconds: { type: 'integer', minimum: 60, maximum: 3600 },
    demoPassword: { type: 'string', minLength: 10 },
    nodeEnv: { enum: ['development', 'production', 'test'] },
    allowedOrigins: { type: 'array', items: { type: 'string', pattern: '^https?://[^/\\s]+$' } },
    refreshIdleSeconds: { type: 'integer', minimum: 300, maximum: 31536000 },
    refreshAbsoluteSeconds: { type: 'integer', minimum: 300, maximum: 31536000 },
    refreshRaceGraceSeconds: { type: 'integer', minimum: 0, maximum: 30 },
    licensePublicKey: { type: 'string', minLength: 40 },
    licenseWebhookSecrets: { type: 'array', maxItems: 4, items: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/=]{24,}$' } },
    internalTokens: { type: 'array', maxItems: 2, items: { type: 'string', minLength: 32 } },
    uiBaseUrl: { type: 'string', pattern: '^(https?://|/)' },
    pluginStartFailure: { enum: ['auto', 'stop', 'disable'] },
    jobWorker: { type: 'boolean' },
    jobConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
    jobLeaseSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
    jobPollMs: { type: 'integer', minimum: 10, maximum: 60000 },
    jobShutdownSeconds: { type: 'integer', minimum: 0, maximum: 600 },
    auditRetentionDays: { type: 'integer', minimum: 1, maximum: 36500 },
    wsHeartbeatSeconds: { type: 'integer', minimum: 1, maximum: 300 },
    wsRecheckSeconds: { type: 'integer', minimum: 1, maximum: 300 },
    outboundAllowPrivate: { type: 'boolean' }
  }
} as const

const validate = new Ajv({ allErrors: true }).compile(schema)

/** Reads and validates the environment. A bad value names the variable and what it expected. */
export function loadConfig (env: Record<string, string | undefined> = process.env, overrides: Partial<KernelConfig> = {}): KernelConfig {
  const config: Record<string, unknown> = {}
  for (const v of variables) {
    const raw = env[v.env]
    config[v.key] = raw === undefined || raw === '' ? v.fallback : v.parse(raw)
  }
  Object.assign(config, overrides)
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key]
  if (!validate(config)) {
    const problems = (validate.errors ?? []).map(e => {
      const key = e.instancePath.split('/')[1] ?? ''
      const v = variables.find(x => x.key === key)
      const got = v ? JSON.stringify(env[v.env] ?? config[key]) : ''
      return v ? `${v.env}=${got} is not valid: expected ${v.expects}` : `${e.instancePath} ${e.message}`
    })
    throw new StartupError('config_invalid', [...new Set(problems)].join('; '))
  }
  for (const v of variables) if (!(v.key in config)) config[v.key] = undefined
  return config as unknown as KernelConfig
}
