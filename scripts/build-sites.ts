// npm run build:sites: builds every site under sites/ that has a `build` script (the website, the
// public docs, the internal docs), in a fixed order so the docs can link to the website's output.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

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

if (import.meta.main) {
  const started = Date.now()
  const targets = siteTargets()
  for (const [i, target] of targets.entries()) {
    const t0 = Date.now()
    console.log(`build:sites: [${i + 1}/${targets.length}] ${target.name}...`)
    const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: target.dir, stdio: 'inherit' })
    if (result.status !== 0) {
      console.error(`build:sites: ${target.name} failed`)
      process.exit(result.status ?? 1)
    }
    console.log(`build:sites: ${target.name} built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }
  console.log(`build:sites: ${targets.length} site(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
