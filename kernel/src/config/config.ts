import { Ajv } from 'ajv'
import { StartupError } from '../errors/errors.ts'

/**
 * How one variable's raw string becomes a value, and the JSON Schema that value must meet.
 * `T` exists only for the type: it is what `KernelConfig` says the value is.
 */
interface Kind<T> {
  schema: Record<string, unknown>
  parse: (raw: string) => unknown
  readonly of?: () => T
}

/** One environment variable, with everything the loader, the type and the docs need of it. */
export interface Variable<T> {
  env: string
  kind: Kind<T>
  fallback: T
  /** Ends "X=... is not valid: expected <expects>" when the value breaks the schema. */
  expects: string
  /** The default as kernel/README.md shows it, where the fallback alone would mislead. */
  shownDefault?: string
  /** The README's "Meaning" column. */
  meaning: string
  /** Holds credentials: a bad value is never echoed in the start-up error. */
  secret?: boolean
}

const int = (raw: string) => (/^\d+$/.test(raw) ? Number(raw) : Number.NaN)
// Anything else stays a string, so the schema refuses it rather than the variable reading as unset.
const bool = (raw: string) => (raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw)

const integer = (minimum: number, maximum: number): Kind<number> => ({ schema: { type: 'integer', minimum, maximum }, parse: int })
const text = (schema: Record<string, unknown> = {}): Kind<string> => ({ schema: { type: 'string', ...schema }, parse: s => s })
const oneOf = <const V extends readonly string[]>(values: V): Kind<V[number]> => ({ schema: { enum: values }, parse: s => s })
const flag: Kind<boolean> = { schema: { type: 'boolean' }, parse: bool }
const listOf = (separator: RegExp, items: Record<string, unknown>, limits: Record<string, unknown> = {}): Kind<string[]> => ({
  schema: { type: 'array', items: { type: 'string', ...items }, ...limits },
  parse: s => s.split(separator).map(x => x.trim()).filter(Boolean)
})

type Described = Pick<Variable<unknown>, 'env' | 'expects' | 'shownDefault' | 'meaning' | 'secret'>
const variable = <T>(kind: Kind<T>, v: Described & { fallback: NoInfer<T> }): Variable<T> => ({ kind, ...v })
/** A variable with no default: unset, it is `undefined` in KernelConfig. */
const optional = <T>(kind: Kind<T>, v: Described): Variable<T | undefined> => ({ kind, fallback: undefined, ...v })

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * The one declaration of the kernel's configuration: `KernelConfig` is inferred from it, the
 * validation is built from it, and kernel/README.md's table is generated from it
 * (`node scripts/gen-config-table.ts`; a test fails when the table is stale).
 */
export const variables = {
  port: variable(integer(0, 65535), { env: 'PORT', fallback: 8000, expects: 'an integer port 0-65535', meaning: 'Port to listen on (0-65535); `npm start -- --port N` also works' }),
  host: variable(text({ minLength: 1 }), { env: 'HOST', fallback: '127.0.0.1', expects: 'a host name or IP address to listen on', meaning: 'Host name or IP address to listen on' }),
  dataDir: variable(text({ minLength: 1 }), { env: 'DATA_DIR', fallback: '.monozu', expects: 'a folder path for keys and the embedded database', meaning: 'Folder for signing keys, the development license key, the demo password, the PostgreSQL runtime password and the embedded database. It is created 0700 with files 0600, and an existing one loses its group and other permissions at start (logged). The embedded database is locked to one process (`DATA_DIR/pglite.lock`): a second one stops with `database_locked`, naming the first one\'s pid; a lock left by a process that is gone is taken over with a warning' }),
  databaseUrl: optional(text({ pattern: '^(postgres|postgresql|mssql)://' }), { env: 'DATABASE_URL', shownDefault: 'unset: embedded PGlite in `DATA_DIR`', expects: 'postgres://... or mssql://... (unset: embedded PGlite in DATA_DIR)', meaning: '`postgres://...` or `mssql://...`; the login migrations run as (the owner)' }),
  databaseAppUrl: optional(text({ pattern: '^(postgres|postgresql|mssql)://' }), { env: 'DATABASE_APP_URL', shownDefault: 'unset: provisioned from `DATABASE_URL`', expects: 'a URL for the non-superuser runtime role (unset: provisioned from DATABASE_URL)', meaning: 'Login for the request pool; it must not be a superuser, have BYPASSRLS or own anything (required for mssql)' }),
  databasePoolMax: variable(integer(1, 200), { env: 'DATABASE_POOL_MAX', fallback: 10, expects: 'an integer 1-200', meaning: 'Request pool size, 1-200' }),
  redisUrl: optional(text({ pattern: '^rediss?://' }), { env: 'REDIS_URL', shownDefault: 'unset (in-process bus)', expects: 'redis://host:port', meaning: '`redis://host:port`: the event bus runs on Redis pub/sub, so WebSocket events reach sockets on every instance. Needed when more than one instance runs' }),
  logLevel: variable(oneOf(logLevels), { env: 'LOG_LEVEL', fallback: 'info', expects: `one of ${logLevels.join(', ')}`, meaning: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent` (pino)' }),
  logFormat: variable(oneOf(['json', 'pretty']), { env: 'LOG_FORMAT', fallback: process.stdout.isTTY ? 'pretty' : 'json', shownDefault: '`pretty` on a terminal and in `npm start`, else `json`', expects: 'json (one JSON object a line, for log collectors) or pretty (readable lines; per-request lines go to DATA_DIR/logs/requests.log below debug level); unset: pretty on a terminal, else json', meaning: '`json`: one JSON object a line, for log collectors. `pretty`: `10:32:01 WARN  cmdb     message key=value`, and per-request lines go to `DATA_DIR/logs/requests.log` (the previous run\'s in `requests.log.1`) unless `LOG_LEVEL` is `debug` or `trace`' }),
  publicUrl: optional(text({ pattern: '^https?://[^\\s]+$' }), { env: 'PUBLIC_URL', shownDefault: 'unset (`urn:monozu:kernel`)', expects: 'an absolute http(s) URL where users reach the platform', meaning: 'Absolute http(s) URL where users reach the platform: the access tokens\' `iss`, an allowed origin for the session cookie, the base of invitation links; an `https` URL turns on HSTS and names `wss://` in the CSP' }),
  adminPanelEnabled: variable(flag, { env: 'ADMIN_PANEL_ENABLED', fallback: false, shownDefault: '`false` (`true` in `npm start` on the embedded database)', expects: 'true or false', meaning: '`true` mounts the operator API `/api/v1/admin/*` (tenants, licenses, features, users, jobs, audit across tenants, plugin health; every call is audited, refused ones as their real caller) and the operator console (`ui-plugins/admin`), which operators get in the shell\'s navigation' }),
  pluginsDirs: variable(listOf(/[,:]/, {}), { env: 'PLUGINS_DIRS', fallback: [], expects: 'a comma- or colon-separated list of plugin folders', meaning: 'Comma- or colon-separated plugin folders outside the repo, each a plugin or a folder of plugins; their plugins count as third-party' }),
  pluginsTrustedKeys: variable(listOf(/[\s,]+/, { pattern: '^ed25519:[A-Za-z0-9_-]{43}$' }), { env: 'PLUGINS_TRUSTED_KEYS', fallback: [], shownDefault: 'none', expects: 'public keys of the form ed25519:<43 base64url characters>, separated by commas or spaces (monozu plugin keygen prints one)', meaning: 'Public keys (`ed25519:<base64url>`, comma- or space-separated) whose signatures third-party plugins may carry. At load, each `PLUGINS_DIRS` plugin must hold a `plugin.sig.json` by one of them (`monozu plugin sign`) matching every file in its folder; a changed, missing or added file disables it with a message naming the file. This tree\'s own plugins need no signature' }),
  pluginsAllowUnsigned: variable(flag, { env: 'PLUGINS_ALLOW_UNSIGNED', fallback: false, expects: 'true or false: load third-party plugins that are unsigned or signed by a key not in PLUGINS_TRUSTED_KEYS', meaning: '`true` loads third-party plugins that are unsigned or signed by an untrusted key (a tampered one never loads), with a start-up warning. On the embedded PGlite database such a plugin\'s raw SQL can leave its tenant (`RESET ROLE` inside `withTenant` sees every tenant\'s rows); PostgreSQL refuses that' }),
  metricsToken: optional(text({ minLength: 32 }), { env: 'METRICS_TOKEN', secret: true, shownDefault: 'unset: no `/metrics`', expects: 'a secret of at least 32 characters that Prometheus sends as Authorization: Bearer <token>', meaning: 'Turns on the Prometheus endpoint `GET /metrics` (request rates and latencies by route, job queue depth and age, ingest inbox depth, event delivery lag, WebSocket connections, database pool); scrapers send `Authorization: Bearer <token>`, anything else is 401. Unset: `/metrics` does not exist' }),
  accessTokenTtlSeconds: variable(integer(60, 3600), { env: 'ACCESS_TOKEN_TTL', fallback: 600, expects: 'seconds, an integer 60-3600', meaning: 'Access token lifetime in seconds, 60-3600' }),
  demoPassword: optional(text({ minLength: 10 }), { env: 'MONOZU_DEMO_PASSWORD', shownDefault: 'unset: generated into `DATA_DIR/demo-password`', expects: 'a password of at least 10 characters', meaning: 'Password of the demo accounts (at least 10 characters)' }),
  nodeEnv: variable(oneOf(['development', 'production', 'test']), { env: 'NODE_ENV', fallback: 'development', expects: 'development, production or test', meaning: '`development`, `production` or `test`. Outside production and without `PUBLIC_URL`, `http://127.0.0.1:<PORT>` and `http://localhost:<PORT>` are allowed origins' }),
  allowedOrigins: variable(listOf(/,/, { pattern: '^https?://[^/\\s]+$' }), { env: 'ALLOWED_ORIGINS', fallback: [], expects: 'a comma-separated list of origins (https://app.example) allowed to refresh sessions, besides PUBLIC_URL', meaning: 'Comma-separated origins (`https://app.example`) that may use the session cookie routes, besides `PUBLIC_URL`\'s' }),
  refreshIdleSeconds: variable(integer(300, 31536000), { env: 'REFRESH_IDLE_SECONDS', fallback: 7 * 24 * 3600, shownDefault: '`604800` (7 days)', expects: 'seconds a session may stay unused, an integer 300-31536000', meaning: 'How long a session may stay unused, 300-31536000' }),
  refreshAbsoluteSeconds: variable(integer(300, 31536000), { env: 'REFRESH_ABSOLUTE_SECONDS', fallback: 30 * 24 * 3600, shownDefault: '`2592000` (30 days)', expects: 'seconds a session lives at most, an integer 300-31536000', meaning: 'The longest a session lives, 300-31536000' }),
  refreshRaceGraceSeconds: variable(integer(0, 30), { env: 'REFRESH_RACE_GRACE_SECONDS', fallback: 2, expects: 'seconds within which a second use of a refresh token counts as a race, not theft, an integer 0-30', meaning: '0-30. A refresh token used a second time within this window is treated as a race (401 `refresh_conflict`), not as theft, which revokes the session' }),
  licensePublicKey: optional(text({ minLength: 40 }), { env: 'LICENSE_PUBLIC_KEY', shownDefault: 'unset: a dev key in `DATA_DIR`', expects: 'the management side\'s ES256 public key as PEM (SPKI) or JWK JSON (unset: a dev key in DATA_DIR)', meaning: 'The management side\'s ES256 public key (PEM/SPKI or JWK JSON), used to verify licenses' }),
  licenseWebhookSecrets: variable(listOf(/[\s,]+/, { pattern: '^whsec_[A-Za-z0-9+/=]{24,}$' }, { maxItems: 4 }), { env: 'LICENSE_WEBHOOK_SECRET', fallback: [], shownDefault: 'unset', expects: 'one or more whsec_<base64> secrets separated by spaces or commas', meaning: 'One to four `whsec_<base64>` secrets (space- or comma-separated) for the Standard Webhooks license delivery `POST /internal/license/refresh`; unset: 404' }),
  managementUrl: optional(text({ pattern: '^https?://[^\\s]+$' }), { env: 'MANAGEMENT_URL', shownDefault: 'unset: no usage reports', expects: 'the management side\'s base URL, e.g. http://127.0.0.1:8080', meaning: 'Base URL of the management deployment: every hour the cloud reports each tenant\'s seats and devices to its `POST /internal/v1/usage` with the first `INTERNAL_TOKENS` secret' }),
  internalTokens: variable(listOf(/,/, { minLength: 32 }, { maxItems: 2 }), { env: 'INTERNAL_TOKENS', fallback: [], shownDefault: 'unset', expects: 'one or two secrets (at least 32 characters) separated by commas, accepted in X-Internal-Token', meaning: 'One or two secrets (32+ characters, comma-separated) accepted in `X-Internal-Token` by `/internal/v1/*`; unset: 404' }),
  pluginStartFailure: variable(oneOf(['auto', 'stop', 'disable']), { env: 'PLUGIN_START_FAILURE', fallback: 'auto', expects: 'auto (third-party plugins are disabled, ours stop the boot), stop or disable', meaning: 'What a plugin that throws while starting does: `auto` disables third-party plugins and stops the boot for ours, `stop` always stops, `disable` always disables (an unprotected tenant table stops the boot regardless)' }),
  pluginStopSeconds: variable(integer(1, 300), { env: 'PLUGIN_STOP_SECONDS', fallback: 10, expects: 'seconds each plugin\'s stop may take at shutdown before it is logged and skipped, an integer 1-300', meaning: 'How long each plugin\'s `stop()` may take at shutdown before it is logged and skipped, 1-300' }),
  jobWorker: variable(flag, { env: 'JOB_WORKER', fallback: true, expects: 'true or false: run the job worker and scheduler in this instance', meaning: 'Run the job worker and scheduler in this instance (`false` for an instance that only serves HTTP)' }),
  jobConcurrency: variable(integer(1, 1000), { env: 'JOB_CONCURRENCY', fallback: 16, expects: 'jobs running at once per instance, an integer 1-1000', meaning: 'Jobs running at once per instance, 1-1000 (each job name also has its own limit)' }),
  jobLeaseSeconds: variable(integer(1, 3600), { env: 'JOB_LEASE_SECONDS', fallback: 30, expects: 'seconds a claimed job stays locked without a heartbeat, an integer 1-3600', meaning: 'How long a claimed job stays locked without a heartbeat, 1-3600; a crashed worker\'s job runs again after this' }),
  jobPollMs: variable(integer(10, 60000), { env: 'JOB_POLL_MS', fallback: 500, expects: 'milliseconds between looks for due jobs when idle, an integer 10-60000', meaning: 'How often an idle worker looks for due jobs, 10-60000 ms (jobs enqueued on the same instance start at once)' }),
  jobShutdownSeconds: variable(integer(0, 600), { env: 'JOB_SHUTDOWN_SECONDS', fallback: 10, expects: 'seconds shutdown waits for running jobs, an integer 0-600', meaning: 'How long shutdown waits for running jobs before releasing them to other instances, 0-600' }),
  eventsPollMs: variable(integer(10, 60000), { env: 'EVENTS_POLL_MS', fallback: 250, expects: 'milliseconds between looks for due domain events when idle, an integer 10-60000', meaning: 'How often an idle event dispatcher looks for due deliveries, 10-60000 ms (an event committed on any instance wakes the dispatchers at once; this is the fallback)' }),
  auditRetentionDays: variable(integer(1, 36500), { env: 'AUDIT_RETENTION_DAYS', fallback: 365, expects: 'days audit entries are kept, an integer 1-36500', meaning: 'Audit entries older than this are deleted by the daily `kernel:audit.retention` job, in batches of 5,000; 1-36500' }),
  notificationRetentionDays: variable(integer(1, 36500), { env: 'NOTIFICATION_RETENTION_DAYS', fallback: 90, expects: 'days read notifications are kept, an integer 1-36500', meaning: 'Notifications read longer ago than this are deleted by the daily `kernel:notifications.retention` job, in batches of 5,000; unread ones and those whose email has not gone out yet stay; 1-36500' }),
  wsHeartbeatSeconds: variable(integer(1, 300), { env: 'WS_HEARTBEAT_SECONDS', fallback: 30, expects: 'seconds between WebSocket pings, an integer 1-300', meaning: 'Ping interval of WebSocket channels, 1-300; a socket that misses a pong is dropped' }),
  wsRecheckSeconds: variable(integer(1, 300), { env: 'WS_RECHECK_SECONDS', fallback: 5, expects: 'seconds between re-checks of each socket\'s permission and feature, an integer 1-300', meaning: 'How often each socket\'s permission and feature are checked again, 1-300 (4003 when withdrawn)' }),
  outboundAllowPrivate: variable(flag, { env: 'OUTBOUND_ALLOW_PRIVATE', fallback: false, expects: 'true or false: let server-side requests to tenant-supplied URLs (OIDC issuer, webhooks) reach loopback and private addresses; development and tests only', meaning: 'Let server-side requests to tenant-supplied URLs (OIDC issuer, webhooks) reach loopback, private and link-local addresses. For development and tests with local servers only; never in production' }),
  uiBaseUrl: optional(text({ pattern: '^(https?://|/)' }), { env: 'UI_BASE_URL', shownDefault: 'unset (`/ui`)', expects: 'an absolute URL or path under which UI modules are served (default: /ui on this origin)', meaning: 'URL or path under which UI modules are served (`<base>/<plugin id>/remoteEntry.js` in `/api/v1/me/features`)' }),
  smtpUrl: optional(text({ pattern: '^smtps?://[^\\s]+$' }), { env: 'SMTP_URL', secret: true, shownDefault: 'unset: no email', expects: 'smtp://[user:password@]host[:port] or smtps://... (credentials in the URL)', meaning: '`smtp://user:password@host:587` (STARTTLS when the server offers it) or `smtps://...` (TLS from the start): notifications are also emailed. Unset: email is off, notifications stay in-app (one info line at start says so). The credentials are never logged' }),
  mailFrom: optional(text({ pattern: '^[^\\r\\n]*@[^\\r\\n]+$' }), { env: 'MAIL_FROM', shownDefault: 'unset', expects: 'a sender address, e.g. Monozu <alerts@example.com>', meaning: 'Sender of notification emails, e.g. `Monozu <alerts@example.com>`; required when `SMTP_URL` is set' }),
  mailDigestHour: variable(integer(0, 23), { env: 'MAIL_DIGEST_HOUR', fallback: 7, shownDefault: '`7` (07:00 UTC)', expects: 'the UTC hour the daily digest email is sent, an integer 0-23', meaning: 'The hour (UTC, 0-23) at which the daily `kernel:notifications.digest` job emails each user who chose the digest the notifications collected since the last one' })
}

type Variables = typeof variables
export type KernelConfig = { [K in keyof Variables]: Variables[K]['fallback'] }

/** Variables read by others than loadConfig; kernel/README.md's table lists them after the kernel's. */
export const variablesReadElsewhere = [
  { env: 'DEMO_SIMULATOR', shownDefault: '`on`', meaning: '`npm start` only (`scripts/start.ts`): once the platform is healthy, a simulated fleet of 5 appliances (`demo-edge-001`…`005`, 5 events/s) sends telemetry, logs and discovery to the Acme demo tenant and answers commands; `off` turns it off. It also stays off when the port is 0 or the devices and edge-ingest plugins are not both running' },
  { env: 'MANAGEMENT_PORT', shownDefault: '8080', meaning: '`monozu start --profile management` and `npm run start:platform`: the management deployment\'s port' },
  { env: 'MANAGEMENT_DATABASE_URL', shownDefault: 'unset: embedded PGlite in `DATA_DIR/management`', meaning: '`monozu start --profile management`: the management deployment\'s own database (`postgres://...`); it never shares the cloud\'s' },
  { env: 'CLOUD_URL', shownDefault: '`http://127.0.0.1:8000`', meaning: '`monozu start --profile management`: where the cloud\'s `/internal/v1/*` and `/internal/license/refresh` are reached' },
  { env: 'LICENSE_SIGNING_KEY', shownDefault: 'unset: generated into `DATA_DIR/management`', meaning: '`monozu start --profile management`: the ES256 private JWK (with `kid`) that signs licenses; the cloud holds only the public half (`LICENSE_PUBLIC_KEY`)' },
  { env: 'STAFF_OIDC_ISSUER', shownDefault: 'unset: staff sign in with local accounts only', meaning: '`monozu start --profile management`: the Entra ID issuer staff sign in with (`https://login.microsoftonline.com/<directory id>/v2.0`), on the staff tenant `monozu-staff`; set it with `STAFF_OIDC_CLIENT_ID`, `STAFF_OIDC_CLIENT_SECRET` and `STAFF_OIDC_TENANT_ID` (all or none, or the start fails)' },
  { env: 'STAFF_OIDC_CLIENT_ID', shownDefault: 'unset', meaning: '`--profile management`: the app registration\'s client id for staff sign-in' },
  { env: 'STAFF_OIDC_CLIENT_SECRET', shownDefault: 'unset', meaning: '`--profile management`: the app registration\'s client secret (sealed at rest, never returned)' },
  { env: 'STAFF_OIDC_TENANT_ID', shownDefault: 'unset', meaning: '`--profile management`: the one Entra directory (`tid`, a GUID) whose accounts may sign in as staff; an ID token from any other directory is refused, and the tenant-admin API cannot change this provider' },
  { env: 'STAFF_OIDC_DEFAULT_ROLE', shownDefault: '`member`', meaning: '`--profile management`: the role of a staff member\'s account created at first sign-in (`member`: `management.read`; `tenant-admin`: everything)' },
  { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', shownDefault: 'unset: no tracing (no cost)', meaning: 'Base URL of an OpenTelemetry collector (`http://collector:4318`): traces of HTTP requests, SQL statements, jobs, domain event deliveries and ingest commits are sent by OTLP/HTTP to `<url>/v1/traces` (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` names the full URL instead; `OTEL_SERVICE_NAME` overrides `monozu-cloud`). Log lines then carry `trace_id` and `span_id`' },
  { env: 'PLUGIN_<ID>_CONFIG', shownDefault: 'unset', meaning: 'JSON configuration of one plugin (`<ID>` is the plugin id upper-cased, `-` becomes `_`), validated against the `config` schema in its `plugin.json`, with the schema\'s defaults filled in' }
]

const entries = Object.entries(variables) as Array<[keyof KernelConfig, Variable<unknown>]>
const byKey = new Map<string, Variable<unknown>>(entries)
const validate = new Ajv({ allErrors: true }).compile({
  type: 'object',
  properties: Object.fromEntries(entries.map(([key, v]) => [key, v.kind.schema]))
})

/** Reads and validates the environment. A bad value names the variable and what it expected. */
export function loadConfig (env: Record<string, string | undefined> = process.env, overrides: Partial<KernelConfig> = {}): KernelConfig {
  const config: Record<string, unknown> = {}
  for (const [key, v] of entries) {
    const raw = env[v.env]
    config[key] = raw === undefined || raw === '' ? v.fallback : v.kind.parse(raw)
  }
  Object.assign(config, overrides)
  for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key]
  if (!validate(config)) {
    const problems = (validate.errors ?? []).map(e => {
      const key = e.instancePath.split('/')[1] ?? ''
      const v = byKey.get(key)
      const got = v?.secret ? '(hidden)' : v ? JSON.stringify(env[v.env] ?? config[key]) : ''
      return v ? `${v.env}=${got} is not valid: expected ${v.expects}` : `${e.instancePath} ${e.message}`
    })
    throw new StartupError('config_invalid', [...new Set(problems)].join('; '))
  }
  if (config.smtpUrl !== undefined && config.mailFrom === undefined) {
    throw new StartupError('config_invalid', 'MAIL_FROM is required when SMTP_URL is set: expected a sender address, e.g. Monozu <alerts@example.com>')
  }
  for (const [key] of entries) if (!(key in config)) config[key] = undefined
  return config as KernelConfig
}
