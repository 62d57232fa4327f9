import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const siteRoot = resolve(import.meta.dirname, '..', '..')
export const repoRoot = resolve(siteRoot, '..', '..')
export const generatedDir = join(siteRoot, 'src', 'generated')

export interface Manifest {
  id: string
  name: { en: string, pl: string }
  version: string
  description: string
  license?: { feature?: string }
}

/** The plugins the repo ships, found as the kernel finds them: plugins/* and edge-ingest. */
export function shippedManifests (): Manifest[] {
  const plugins = join(repoRoot, 'plugins')
  const dirs = [...readdirSync(plugins).sort().map(d => join(plugins, d)), join(repoRoot, 'edge-ingest')]
  return dirs.filter(d => existsSync(join(d, 'plugin.json')))
    .map(d => JSON.parse(readFileSync(join(d, 'plugin.json'), 'utf8')) as Manifest)
}
