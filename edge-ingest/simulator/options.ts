import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

export const usage = `Usage: npm run simulate -- [options]

Simulated edge appliances for Monozu Cloud: they enroll, send telemetry, logs and an initial
discovery to POST /v1/ingest, and answer commands. Ctrl-C prints a summary.

Server and sign-in
  --url URL                 platform URL (default http://127.0.0.1:$PORT; without PORT, the server
                            running on DATA_DIR (<DATA_DIR>/server.json), else port 8000)
  --email E                 tenant admin to sign in as (default admin@acme.example)
  --password P              (default MONOZU_DEMO_PASSWORD, else <DATA_DIR>/demo-password)
  --tenant SLUG             tenant slug, when the email exists in several tenants
  --enrollment-token T      register with this token instead of signing in

Fleet
  --devices N               number of appliances (default 10)
  --fleet NAME              names the appliances and their hardware ids (default sim)
  --site NAME               site given to newly enrolled devices (default "Simulator lab")
  --state FILE              device keys (default <DATA_DIR>/simulator/devices.json)

Traffic
  --rate N                  events per second, all devices together (default 100)
  --log-ratio X             share of events that are log lines, 0-1 (default 0.1)
  --format json|ndjson      request body (default json: one kind per request)
  --gzip                    gzip request bodies
  --batch-ms MS             how often each device sends what it gathered (default 1000)
  --max-batch N             events per request, at most 10000 (default 5000)
  --no-discovery            skip the initial network discovery
  --backup                  also report backups (backup_event, see backup.ts): 14 days at start, then hourly
  --vpn                     also join the tenant's VPN network and report handshakes (vpn_status, see vpn.ts)

Commands
  --commands ws|poll        device socket or polling (default ws)
  --poll-ms MS              polling interval (default 2000)

Output
  --duration S              stop after S seconds (default: run until Ctrl-C)
  --progress S              seconds between progress lines (default 5; 0: none)
  --quiet                   only progress, warnings and the summary
  --json                    print the summary as one JSON line
  --help
`

export interface Options {
  url: string
  email: string
  password: string | undefined
  tenant: string | undefined
  enrollmentToken: string | undefined
  devices: number
  fleet: string
  site: string
  stateFile: string
  rate: number
  logRatio: number
  format: 'json' | 'ndjson'
  gzip: boolean
  batchMs: number
  maxBatch: number
  discovery: boolean
  backup: boolean
  vpn: boolean
  commands: 'ws' | 'poll'
  pollMs: number
  duration: number | undefined
  progress: number
  quiet: boolean
  json: boolean
}

export class UsageError extends Error {}

function number (name: string, value: string | undefined, fallback: number, min: number, max: number, integer = true): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${value}"`)
  }
  return n
}

function oneOf<T extends string> (name: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0]!
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, not "${value}"`)
  return value as T
}

/** The demo password, the way the kernel keeps it. */
/** `npm start` records its URL in the data dir, so `npm run simulate` finds a server on another port. */
function runningServer (dataDir: string): string | undefined {
  try {
    const url = (JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { url?: unknown }).url
    return typeof url === 'string' ? url : undefined
  } catch { return undefined }
}

function demoPassword (env: NodeJS.ProcessEnv, dataDir: string): string | undefined {
  if (env.MONOZU_DEMO_PASSWORD) return env.MONOZU_DEMO_PASSWORD
  try { return readFileSync(join(dataDir, 'demo-password'), 'utf8').trim() || undefined } catch { return undefined }
}

export function parseOptions (args: string[], env: NodeJS.ProcessEnv = process.env): Options | 'help' {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args,
      allowNegative: true,
      options: {
        url: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, tenant: { type: 'string' },
        'enrollment-token': { type: 'string' }, devices: { type: 'string' }, fleet: { type: 'string' }, site: { type: 'string' },
        state: { type: 'string' }, rate: { type: 'string' }, 'log-ratio': { type: 'string' }, format: { type: 'string' },
        gzip: { type: 'boolean' }, 'batch-ms': { type: 'string' }, 'max-batch': { type: 'string' }, discovery: { type: 'boolean' }, backup: { type: 'boolean' }, vpn: { type: 'boolean' },
        commands: { type: 'string' }, 'poll-ms': { type: 'string' }, duration: { type: 'string' }, progress: { type: 'string' },
        quiet: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (values.help) return 'help'
  const str = (k: string) => values[k] as string | undefined
  const dataDir = env.DATA_DIR || '.monozu'
  const url = str('url') ?? (env.PORT ? `http://127.0.0.1:${env.PORT}` : runningServer(dataDir) ?? 'http://127.0.0.1:8000')
  try { if (!/^https?:$/.test(new URL(url).protocol)) throw new Error() } catch { throw new UsageError(`--url must be an http(s) URL, not "${url}"`) }
  const fleet = str('fleet') ?? 'sim'
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(fleet)) throw new UsageError('--fleet must be lower-case letters, digits and dashes (up to 31), starting with a letter')
  const duration = str('duration')
  return {
    url: url.replace(/\/+$/, ''),
    email: str('email') ?? 'admin@acme.example',
    password: str('password') ?? demoPassword(env, dataDir),
    tenant: str('tenant'),
    enrollmentToken: str('enrollment-token'),
    devices: number('devices', str('devices'), 10, 1, 10_000),
    fleet,
    site: str('site') ?? 'Simulator lab',
    stateFile: str('state') ?? join(dataDir, 'simulator', 'devices.json'),
    rate: number('rate', str('rate'), 100, 0, 1_000_000, false),
    logRatio: number('log-ratio', str('log-ratio'), 0.1, 0, 1, false),
    format: oneOf('format', str('format'), ['json', 'ndjson'] as const),
    gzip: values.gzip === true,
    batchMs: number('batch-ms', str('batch-ms'), 1000, 50, 60_000),
    maxBatch: number('max-batch', str('max-batch'), 5000, 1, 10_000),
    discovery: values.discovery !== false,
    backup: values.backup === true,
    vpn: values.vpn === true,
    commands: oneOf('commands', str('commands'), ['ws', 'poll'] as const),
    pollMs: number('poll-ms', str('poll-ms'), 2000, 100, 600_000),
    duration: duration === undefined ? undefined : number('duration', duration, 0, 0.1, 31_536_000, false),
    progress: number('progress', str('progress'), 5, 0, 3600, false),
    quiet: values.quiet === true,
    json: values.json === true
  }
}
