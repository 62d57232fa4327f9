import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface Candidate { dir: string, origin: 'repo' | 'external' }

const hasManifest = (dir: string) => existsSync(join(dir, 'plugin.json'))

function children (dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).map(name => join(dir, name)).filter(p => statSync(p).isDirectory()).sort()
}

/**
 * Stage 1, discover: the repo's `plugins/*` and `edge-ingest`, then each folder of
 * PLUGINS_DIRS, which may be a plugin itself or a folder of plugins (partners' plugins).
 */
export function discover (repoRoot: string | null, externalDirs: string[]): Candidate[] {
  const found: Candidate[] = []
  if (repoRoot) {
    for (const dir of [...children(join(repoRoot, 'plugins')), join(repoRoot, 'edge-ingest')]) {
      if (hasManifest(dir)) found.push({ dir, origin: 'repo' })
    }
  }
  for (const given of externalDirs) {
    const dir = resolve(given)
    const dirs = hasManifest(dir) ? [dir] : children(dir).filter(hasManifest)
    for (const d of dirs) found.push({ dir: d, origin: 'external' })
  }
  return found
}
