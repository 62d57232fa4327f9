import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { Manifest } from './plugins.ts'

export const siteRoot = resolve(import.meta.dirname, '..', '..')
export const repoRoot = resolve(siteRoot, '..', '..')
export const generatedDir = join(siteRoot, 'src', 'generated')

/**
 * The plugins the repo ships, found as the kernel's loader finds them: plugins/* and edge-ingest.
 * Test fixtures (kernel/test/fixtures/plugins) are not shipped and not listed.
 */
export function shippedManifests (): Manifest[] {
  const plugins = join(repoRoot, 'plugins')
  const dirs = [...readdirSync(plugins).sort().map(d => join(plugins, d)), join(repoRoot, 'edge-ingest')]
  return dirs.filter(d => existsSync(join(d, 'plugin.json')))
    .map(d => ({ ...JSON.parse(readFileSync(join(d, 'plugin.json'), 'utf8')) as Manifest, dir: relative(repoRoot, d) }))
}
