// npm run build:sites: builds every site under sites/ that has a `build` script (the website, the
// public docs, the internal docs), in a fixed order so the docs can link to the website's output.
//
// A production build by default: it needs CONTACT_API_URL and TURNSTILE_SITE_KEY (the website's
// contact form) and stops before building anything, naming what is missing, when they are not
// set; it never falls back to local values. `--development` (or SITES_MODE=development) builds
// with the local stand-ins instead, for local work and tests.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SettingsError, websiteSettings } from '@monozu/website/settings'
import { unfilledFacts } from '@monozu/website/company'

const root = resolve(import.meta.dirname, '..')
const order = ['website', 'docs', 'internal-docs']

/** Sites with a package.json `build` script, known ones first. */
export function siteTargets (): Array<{ name: string, dir: string }> {
  const sites = join(root, 'sites')
  if (!existsSync(sites)) return []
  return readdirSync(sites, { withFileTypes: true })
    .filter(d => d.isDirectory() && existsSync(join(sites, d.name, 'package.json')))
    .filter(d => Boolean(JSON.parse(readFileSync(join(sites, d.name, 'package.json'), 'utf8')).scripts?.build))
    .map(d => ({ name: d.name, dir: join(sites, d.name) }))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
}

function rank (name: string): number {
  const i = order.indexOf(name)
  return i === -1 ? order.length : i
}

/** The environment of the site builds: SITES_MODE set from `--development`, checked up front. */
export function buildEnv (argv: string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env, SITES_MODE: argv.includes('--development') ? 'development' : env.SITES_MODE ?? 'production' }
  websiteSettings(out) // throws a SettingsError that names what a production build lacks
  return out
}

if (import.meta.main) {
  let env: NodeJS.ProcessEnv
  try {
    env = buildEnv(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error
    console.error(`build:sites: ${error.message}`)
    process.exit(2)
  }
  const started = Date.now()
  const targets = siteTargets()
  console.log(`build:sites: ${env.SITES_MODE} build`)
  if (env.SITES_MODE === 'production' && unfilledFacts().length > 0) {
    console.warn(`build:sites: warning: the imprint still shows placeholders for ${unfilledFacts().join(', ')} (sites/website/src/data/company.ts)`)
  }
  for (const [i, target] of targets.entries()) {
    const t0 = Date.now()
    console.log(`build:sites: [${i + 1}/${targets.length}] ${target.name}...`)
    const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: target.dir, stdio: 'inherit', env })
    if (result.status !== 0) {
      console.error(`build:sites: ${target.name} failed`)
      process.exit(result.status ?? 1)
    }
    console.log(`build:sites: ${target.name} built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }
  console.log(`build:sites: ${targets.length} site(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
