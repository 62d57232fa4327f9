import { existsSync, globSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface Candidate { dir: string, origin: 'repo' | 'external' }

const hasManifest = (dir: string) => existsSync(join(dir, 'plugin.json'))

function children (dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).map(name => join(dir, name)).filter(p => statSync(p).isDirectory()).sort()
}

/** The repo's plugins are its npm workspaces that hold a plugin.json: adding one needs no kernel change. */
export function repoPlugins (repoRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces?: string[] }
  const manifests = globSync((pkg.workspaces ?? []).map(w => `${w}/plugin.json`), { cwd: repoRoot })
  return manifests.map(m => resolve(repoRoot, m, '..')).sort()
}

/** Partners' plugins: each PLUGINS_DIRS entry is a plugin itself or a folder of plugins. */
export function externalPlugins (externalDirs: string[]): string[] {
  return externalDirs.flatMap(given => {
    const dir = resolve(given)
    return hasManifest(dir) ? [dir] : children(dir).filter(hasManifest)
  })
}

/** Stage 1, discover: where plugins are, before anything is read from them. */
export function discover (repoRoot: string | null, externalDirs: string[]): Candidate[] {
  return [
    ...(repoRoot ? repoPlugins(repoRoot).map(dir => ({ dir, origin: 'repo' as const })) : []),
    ...externalPlugins(externalDirs).map(dir => ({ dir, origin: 'external' as const }))
  ]
}
