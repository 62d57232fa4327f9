#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { createKernel, createLogger, repoRoot, type Kernel } from './kernel.ts'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { loadConfig } from './config/config.ts'
import { ApiError, StartupError } from './errors/errors.ts'
import { readManifest } from './plugins/manifest.ts'
import { checkKernelRange } from './plugins/pipeline/validate.ts'
import { PROFILES, type Profile } from './plugins/pipeline/profile.ts'
import { isDefinedPlugin } from './plugins/define.ts'
import { shareKernelWithPlugins } from './plugins/share-kernel.ts'
import { DEMO_ACCOUNTS, DEMO_OPERATOR, DEMO_STAFF } from './tenancy/seed.ts'
import { managementEnv } from './management-env.ts'
import { issueLicense } from './licensing/license.ts'
import { slugPattern } from './tenancy/tenants.ts'
import { watchParent } from './parent-watch.ts'
import { removeServerRecord, writeServerRecord } from './data-dir.ts'
import { ScaffoldError, createPlugin } from './scaffold/create.ts'
import { discover } from './plugins/pipeline/discover.ts'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { pluginTrust, pluginTrustUsage } from './cli/plugin-trust.ts'

const usage = `Usage: monozu <command>
  start [--profile all|cloud|ingest|management] [--port N]
                                                  run the platform (management: port 8080, own database)
  migrate                                         apply kernel and plugin migrations, then exit
  tenant create --name N --slug S --admin-email E [--admin-password P]
  license issue --tenant S --features a,b [--days N] [--seats N]
                                                  sign a dev license and install it for tenant S
  plugin validate <dir>                           check a plugin folder's manifest and entry
  plugin create <id> [--dir <folder>]             write a new backend plugin and its UI module
                                                  (default: plugins/<id> and ui-plugins/<id> of this repo;
                                                  --dir: <folder>/<id> and <folder>/<id>/ui, for PLUGINS_DIRS)`

function fail (message: string, code = 2): never {
  if (code === 0) console.log(message)
  else console.error(message)
  process.exit(code)
}

async function start (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { profile: { type: 'string', default: 'all' }, port: { type: 'string' } } })
  const profile = values.profile as Profile
  if (!PROFILES.includes(profile)) fail(`--profile must be ${PROFILES.slice(0, -1).join(', ')} or ${PROFILES.at(-1)}, not "${profile}"`)
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) fail(`--port must be an integer 0-65535, not "${values.port}"`)
  buildUiIfMissing()
  // Everything the kernel writes from here on (keys, demo password, the PGlite files, logs) is
  // for this user only; the UI build above stays readable.
  process.umask(0o077)
  // A parent gone during start-up: nothing to finish gracefully yet.
  let parentGone: (reason: string) => void = reason => { console.error(`monozu: ${reason} went away during start-up; exiting`); process.exit(1) }
  watchParent(reason => parentGone(reason))
  const env = profile === 'management' ? await managementEnv(process.env) : process.env
  const kernel = await createKernel({ ...(values.port ? { config: { port: Number(values.port) } } : {}), profile, env })
  const url = await kernel.start()
  const log = kernel.app.log
  const serverFile = writeServerRecord(kernel.config.dataDir, url)
  log.info({ url, profile, plugins: kernel.registry.records.map(r => `${r.manifest.id}@${r.manifest.version}:${r.state}`) }, 'Monozu Cloud is ready')
  if (kernel.demo) {
    const where = kernel.demo.passwordFile ? ` (kept in ${kernel.demo.passwordFile})` : ' (MONOZU_DEMO_PASSWORD)'
    const operator = kernel.config.adminPanelEnabled ? `\n  Operator console: sign in as ${DEMO_OPERATOR}` : ''
    if (profile === 'management') console.log(`\n  Monozu Management is running at ${url}\n  Demo staff sign-in: ${DEMO_STAFF}\n  Password: ${kernel.demo.password}${where}\n`)
    else console.log(`\n  Monozu Cloud is running at ${url}\n  Demo sign-in: ${DEMO_ACCOUNTS.map(a => a.email).join(', ')}, ${DEMO_OPERATOR}\n  Password: ${kernel.demo.password}${where}${operator}\n`)
  }
  let signals = 0
  const shutdown = (signal: string) => {
    if (++signals > 1) { log.warn('second signal: exiting now'); process.exit(1) }
    log.info({ signal }, 'shutting down: finishing in-flight requests')
    removeServerRecord(serverFile, url)
    kernel.stop().then(() => { log.info('stopped'); process.exit(0) }, err => { log.error({ err }, 'shutdown failed'); process.exit(1) })
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  parentGone = reason => {
    log.warn({ reason }, 'the parent process is gone: shutting down')
    shutdown('parent gone')
  }
}

/** `npm install` builds the UI; a checkout that skipped it gets the build on first start. */
function buildUiIfMissing (): void {
  if (!existsSync(join(repoRoot, 'ui-shell', 'package.json')) || existsSync(join(repoRoot, 'ui-shell', 'dist', 'index.html'))) return
  console.log('Building the UI for the first start (npm run build:ui)...')
  const result = spawnSync('npm', ['run', '-s', 'build:ui'], { cwd: repoRoot, stdio: 'inherit' })
  if (result.status !== 0) console.error('The UI build failed; the API starts without the UI. Run npm run build:ui to see why.')
}

async function withKernel (fn: (kernel: Kernel) => Promise<void>): Promise<void> {
  // One-shot commands: quieter than a server unless LOG_LEVEL asks for more.
  const { logLevel, logFormat, dataDir } = loadConfig()
  process.umask(0o077)
  const kernel = await createKernel({ seedDemo: false, logger: createLogger({ logLevel: logLevel === 'info' ? 'warn' : logLevel, logFormat, dataDir }) })
  try { await fn(kernel) } finally { await kernel.stop() }
}

async function tenantCreate (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: 'string' }, slug: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-password': { type: 'string' } } })
  const { name, slug } = values
  const email = values['admin-email']
  if (!name || !slug || !email) fail('tenant create needs --name, --slug and --admin-email')
  if (!new RegExp(slugPattern).test(slug)) fail(`--slug must match ${slugPattern}`)
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) fail(`--admin-email "${email}" is not an email address`)
  const given = values['admin-password']
  if (given !== undefined && given.length < 10) fail('--admin-password must have at least 10 characters')
  const password = given ?? randomBytes(12).toString('base64url')
  await withKernel(async kernel => {
    const tenant = await kernel.tenancy.createTenant({ name, slug })
    const admin = await kernel.tenancy.createUser(tenant.id, { email, name: `${name} Admin`, password, roles: ['tenant-admin'] })
    await kernel.audit.record({ action: 'tenant.created', actor: 'cli', tenantId: tenant.id, target: `tenant:${tenant.id}`, details: { slug } })
    console.log(JSON.stringify({ tenant, admin: { id: admin.id, email: admin.email }, ...(given ? {} : { generatedPassword: password }) }, null, 2))
  })
}

async function licenseIssue (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' }, features: { type: 'string' }, days: { type: 'string', default: '365' }, seats: { type: 'string', default: '100' } } })
  if (!values.tenant || values.features === undefined) fail('license issue needs --tenant <slug> and --features a,b,c')
  const features = values.features.split(',').map(f => f.trim()).filter(Boolean)
  if (!features.every(f => /^[a-z][a-z0-9-.]{1,63}$/.test(f))) fail(`--features must be feature keys like cmdb,itsm, not "${values.features}"`)
  if (!/^\d{1,4}$/.test(values.days as string) || Number(values.days) < 1) fail('--days must be a whole number from 1 to 9999')
  if (!/^\d{1,7}$/.test(values.seats as string)) fail('--seats must be a whole number')
  await withKernel(async kernel => {
    const key = kernel.services.licenseKeys.devSign
    if (!key) fail('LICENSE_PUBLIC_KEY is set: licenses come from the management side, which holds the private key', 1)
    const tenant = await kernel.tenancy.tenantBySlug(values.tenant as string) ?? fail(`no tenant with slug "${values.tenant}"`, 1)
    const license = await issueLicense(key, { tid: tenant.id, features, seats: Number(values.seats), days: Number(values.days) })
    const installed = await kernel.services.features.installLicense(tenant.id, license, { actor: 'cli' })
    console.log(JSON.stringify({ tenant: tenant.slug, ...installed, license }, null, 2))
  })
}

async function pluginValidate (args: string[]): Promise<void> {
  const dir = resolve(args[0] ?? fail('plugin validate needs a folder'))
  shareKernelWithPlugins()
  const manifest = readManifest(dir)
  checkKernelRange(manifest)
  const entry = join(dir, manifest.entry ?? 'src/index.ts')
  const mod = await import(pathToFileURL(entry).href)
  if (!isDefinedPlugin(mod.default)) throw new StartupError('entry_invalid', `${entry} must default-export definePlugin({ ... })`)
  console.log(`${manifest.id}@${manifest.version}: plugin.json and ${entry} are valid`)
}

async function pluginCreate (args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { dir: { type: 'string' } } })
  if (positionals.length !== 1) fail('plugin create needs one plugin id, e.g. monozu plugin create acme-notes [--dir <folder>]')
  const id = positionals[0] as string
  const inRepo = existsSync(join(repoRoot, 'package.json')) && existsSync(join(repoRoot, 'plugins'))
  if (values.dir === undefined && !inRepo) fail('plugin create: outside the Monozu repo, say where with --dir <folder>')
  // Ids already used by the repo's plugins and those in PLUGINS_DIRS: the new one must load beside them.
  const takenIds = discover(inRepo ? repoRoot : null, loadConfig().pluginsDirs).flatMap(c => {
    try { return [readManifest(c.dir).id] } catch { return [] }
  })
  // The UI SDK the module asks for: the repo's, or the one the packed kernel was built beside.
  const uiSdk = inRepo ? join(repoRoot, 'ui-plugins', 'sdk', 'package.json') : join(repoRoot, 'package.json')
  const read = JSON.parse(readFileSync(uiSdk, 'utf8')) as { version: string, monozu?: { uiSdk?: string } }
  const uiSdkRange = inRepo ? `^${read.version}` : read.monozu?.uiSdk ?? '*'
  const created = createPlugin({ id, target: values.dir !== undefined ? { dir: values.dir } : { repo: repoRoot }, takenIds, uiSdkRange })
  const shown = (file: string) => { const rel = relative(process.cwd(), file); return rel === '' ? '.' : rel.startsWith('..') ? file : rel }
  console.log(`Created plugin "${id}":\n  backend   ${shown(created.backend)}\n  UI module ${shown(created.ui)}\n\nFiles:`)
  for (const file of created.files) console.log(`  ${shown(file)}`)
  console.log(`\nNext:\n  monozu plugin validate ${shown(created.backend)}\n  npx tap ${shown(created.backend)}/test/*.test.ts ${shown(created.ui)}/test/*.test.ts`)
}

async function main (): Promise<void> {
  const [command, sub, ...rest] = process.argv.slice(2)
  if (command === 'start') return start([sub, ...rest].filter((a): a is string => a !== undefined))
  if (command === 'migrate') return withKernel(async () => { console.log('migrations applied') })
  if (command === 'tenant' && sub === 'create') return tenantCreate(rest)
  if (command === 'plugin' && sub === 'validate') return pluginValidate(rest)
  if (command === 'plugin' && sub === 'create') return pluginCreate(rest)
  if (command === 'license' && sub === 'issue') return licenseIssue(rest)
  if (command === 'plugin' && (sub === 'keygen' || sub === 'sign' || sub === 'verify')) { const r = pluginTrust(sub, rest); fail(r.out, r.code) }
  fail(`${usage}\n${pluginTrustUsage}`, command === undefined || command === 'help' || command === '--help' ? 0 : 2)
}

main().catch(err => {
  if (err instanceof StartupError || err instanceof ApiError || err instanceof ScaffoldError) fail(`monozu: ${err.message}`, 1)
  console.error(err)
  process.exit(1)
})
