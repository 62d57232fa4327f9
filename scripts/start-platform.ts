// npm run start:platform: the cloud (`npm start`, PORT, default 8000) and the management
// deployment (`monozu start --profile management`, MANAGEMENT_PORT, default 8080) together under
// one DATA_DIR, wired with a generated internal token, license webhook secret and license key
// pair (kept in DATA_DIR, so restarts keep them). Demo staff: staff@monozu.example with the demo
// password. Ctrl-C stops both; when one exits, the other is stopped too.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { join, resolve } from 'node:path'
import { generateLicenseKeyPair } from '@monozu/licensing'
import { prefixLines } from './prefix-lines.ts'

const root = resolve(import.meta.dirname, '..')
const dataDir = resolve(root, process.env.DATA_DIR || '.monozu')
mkdirSync(dataDir, { recursive: true, mode: 0o700 })

function once (file: string, make: () => string | Promise<string>): Promise<string> | string {
  const path = join(dataDir, file)
  if (existsSync(path)) return readFileSync(path, 'utf8')
  const write = (text: string) => { writeFileSync(path, text, { mode: 0o600, flag: 'wx' }); return text }
  const made = make()
  return typeof made === 'string' ? write(made) : made.then(write)
}

const secrets = JSON.parse(await once('platform-secrets.json', () => JSON.stringify({
  internalToken: randomBytes(32).toString('base64url'),
  webhookSecret: `whsec_${randomBytes(32).toString('base64')}`
}, null, 2))) as { internalToken: string, webhookSecret: string }
// The cloud's development license key (the kernel makes the same file when it is missing): the
// cloud verifies with its public half, management signs with the private half, and the demo
// tenants' seeded licenses stay valid.
const licenseKey = JSON.parse(await once('license-dev-key.json', async () => JSON.stringify(await generateLicenseKeyPair(), null, 2))) as { privateJwk: object }
const demoPassword = process.env.MONOZU_DEMO_PASSWORD || (await once('demo-password', () => randomBytes(12).toString('base64url') + '\n')).trim()

const port = process.env.PORT || '8000'
const managementPort = process.env.MANAGEMENT_PORT || '8080'
const shared = { DATA_DIR: dataDir, INTERNAL_TOKENS: process.env.INTERNAL_TOKENS || secrets.internalToken, LICENSE_WEBHOOK_SECRET: process.env.LICENSE_WEBHOOK_SECRET || secrets.webhookSecret, MONOZU_DEMO_PASSWORD: demoPassword }
const children: Array<{ name: string, child: ChildProcess }> = []

function run (name: string, args: string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true })
  children.push({ name, child })
  prefixLines(child.stdout!, process.stdout, `[${name}]`)
  prefixLines(child.stderr!, process.stderr, `[${name}]`)
  return new Promise(done => child.on('exit', (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 1))))
}

let stopping = false
function stopAll (signal: NodeJS.Signals): void {
  if (stopping) return
  stopping = true
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal)
}
process.on('SIGINT', () => stopAll('SIGINT'))
process.on('SIGTERM', () => stopAll('SIGTERM'))
process.on('SIGHUP', () => stopAll('SIGTERM'))

console.log(`[platform] cloud on :${port}, management on :${managementPort}, data in ${dataDir}`)
const cloud = run('cloud', [join(root, 'scripts', 'start.ts'), ...process.argv.slice(2)], { ...shared, PORT: port, MANAGEMENT_URL: `http://127.0.0.1:${managementPort}` })
const management = run('management', [join(root, 'kernel', 'src', 'cli.ts'), 'start', '--profile', 'management'], {
  ...shared,
  LOG_FORMAT: process.env.LOG_FORMAT || 'pretty',
  MANAGEMENT_PORT: managementPort,
  CLOUD_URL: `http://127.0.0.1:${port}`,
  LICENSE_SIGNING_KEY: process.env.LICENSE_SIGNING_KEY || JSON.stringify(licenseKey.privateJwk)
})
const first = await Promise.race([cloud, management])
stopAll('SIGTERM')
const [a, b] = await Promise.all([cloud, management])
process.exit(first || a || b)
