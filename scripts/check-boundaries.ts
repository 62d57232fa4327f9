// npm run check:boundaries: fails when an import crosses a package's face. A relative import
// never leaves its package; another workspace package is reached only through a subpath its
// package.json "exports" declares; the kernel imports no plugin; a backend plugin imports
// another plugin only if its plugin.json declares that dependency. The kernel's own tests and
// benches are inside its package, so they may import kernel/src.
// Import specifiers are read with regular expressions: TypeScript 7 has no JS parser API, and
// a line-anchored match is enough for code formatted the way this repo is.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

interface Package { dir: string, name: string, exports: string[] | null, pluginId?: string, pluginDeps: string[] }
export interface Violation { file: string, specifier: string, rule: string }

const SKIP = new Set(['node_modules', 'dist', 'coverage'])
const STATIC = /^\s*(?:import|export)\s+(?:[^'"`;]*?\sfrom\s*)?['"]([^'"\n]+)['"]/gm
const DYNAMIC = /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g

function walk (dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) walk(path, out)
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path)
  }
  return out
}

const readJson = (path: string) => existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined

function packageAt (dir: string): Package {
  const pkg = readJson(join(dir, 'package.json'))
  const plugin = readJson(join(dir, 'plugin.json'))
  return {
    dir,
    name: pkg.name,
    exports: pkg.exports === undefined ? null : typeof pkg.exports === 'string' ? ['.'] : Object.keys(pkg.exports),
    ...(plugin?.id ? { pluginId: plugin.id as string } : {}),
    pluginDeps: Object.keys(plugin?.dependencies ?? {})
  }
}

/** The package a file belongs to: the nearest folder above it with a package.json. */
function owner (file: string, root: string, cache: Map<string, Package>): Package {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      if (!cache.has(dir)) cache.set(dir, packageAt(dir))
      return cache.get(dir)!
    }
    if (dir === root || dir === dirname(dir)) throw new Error(`${file} is in no package`)
  }
}

const exported = (pkg: Package, subpath: string) => (pkg.exports ?? ['.']).some(key =>
  key === subpath || (key.includes('*') && subpath.startsWith(key.slice(0, key.indexOf('*'))) && subpath.endsWith(key.slice(key.indexOf('*') + 1))))

export function checkBoundaries (root: string): Violation[] {
  root = resolve(root)
  const cache = new Map<string, Package>()
  const files = walk(root)
  const byName = new Map<string, Package>()
  for (const file of files) { const pkg = owner(file, root, cache); byName.set(pkg.name, pkg) }
  const kernel = byName.get('@monozu/kernel')
  const isPlugin = (pkg: Package) => pkg.pluginId !== undefined || pkg.dir.split(sep).includes('ui-plugins')
  const violations: Violation[] = []
  for (const file of files) {
    const from = owner(file, root, cache)
    const source = readFileSync(file, 'utf8')
    const specifiers = [...source.matchAll(STATIC), ...source.matchAll(DYNAMIC)].map(m => m[1] as string)
    for (const specifier of specifiers) {
      const report = (rule: string) => violations.push({ file: relative(root, file), specifier, rule })
      let to: Package | undefined
      if (specifier.startsWith('.')) {
        to = owner(resolve(dirname(file), specifier), root, cache)
        // The root package is the repo's own tooling (scripts/, test-kit/): no face to cross.
        if (to === from || to.dir === root) continue
        report(`a relative import leaves ${from.name}; import ${to.name} by its package name`)
        continue
      } else {
        const name = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
        to = byName.get(name)
        if (!to || to === from) continue
        const subpath = '.' + specifier.slice(name.length)
        if (!exported(to, subpath)) { report(`${to.name} does not export "${subpath}" (package.json "exports")`); continue }
      }
      if (from === kernel && isPlugin(to)) report('the kernel imports no plugin')
      else if (from.pluginId && to.pluginId && !from.pluginDeps.includes(to.pluginId)) report(`plugin "${from.pluginId}" imports plugin "${to.pluginId}" without declaring it in plugin.json "dependencies"`)
    }
  }
  return violations
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url))
  const violations = checkBoundaries(root)
  for (const v of violations) console.error(`${v.file}: "${v.specifier}": ${v.rule}`)
  console.log(violations.length === 0 ? 'boundaries: no import crosses a package face' : `boundaries: ${violations.length} violation(s)`)
  process.exitCode = violations.length === 0 ? 0 : 1
}
