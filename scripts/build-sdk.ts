#!/usr/bin/env node
/**
 * Builds the publishable SDK: @monozu/licensing, @monozu/kernel (plugin face, host, test kit, CLI)
 * and @monozu/ui-sdk, each to JavaScript with .d.ts in its git-ignored dist/, which is then a
 * complete package folder (its own package.json pointing at the built files). In the repo the
 * packages keep pointing at their TypeScript sources; only dist/ is what a partner installs.
 *
 *   node scripts/build-sdk.ts                 build the three dist/ folders
 *   node scripts/build-sdk.ts --pack <dir>    and `npm pack` each into <dir> (prints the tarballs)
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = join(root, 'node_modules', '.bin', 'tsc')

interface Sdk {
  dir: string
  /** Files copied into dist as they are: [from (package-relative), to (dist-relative)]. */
  copy: Array<[string, string]>
  /** Exports the repo has but the package does not ship. */
  drop?: string[]
  /** Extra package.json fields of the built package. */
  extra?: () => Record<string, unknown>
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>
const uiSdkVersion = () => readJson(join(root, 'ui-plugins/sdk/package.json')).version as string

export const sdks: Sdk[] = [
  { dir: 'packages/licensing', copy: [['README.md', 'README.md']] },
  {
    dir: 'kernel',
    copy: [['README.md', 'README.md'], ['CHANGELOG.md', 'CHANGELOG.md'], ['templates', 'templates'], ['../plugin.schema.json', 'plugin.schema.json']],
    // The bench helpers need autocannon and the repo's bench folder: they stay in the repo.
    drop: ['./testing/bench'],
    // `monozu plugin create` outside the repo: the UI SDK a new UI module asks for.
    extra: () => ({ monozu: { uiSdk: `^${uiSdkVersion()}` } })
  },
  { dir: 'ui-plugins/sdk', copy: [['README.md', 'README.md'], ['vite.js', 'vite.js'], ['vite.d.ts', 'vite.d.ts']] }
]

/** `./src/x.ts` → types and JavaScript of the build; anything else (CSS, vite.js) stays as it is. */
function builtExport (target: unknown): unknown {
  if (typeof target !== 'string' || !/\.tsx?$/.test(target)) return target
  const base = target.replace(/\.tsx?$/, '')
  return { types: `${base}.d.ts`, default: `${base}.js` }
}

/** Non-TypeScript files under src (CSS, READMEs): tsc does not copy them. */
function assetsOf (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return assetsOf(path)
    return /\.tsx?$/.test(name) ? [] : [path]
  })
}

export function build (sdk: Sdk): string {
  const pkgDir = join(root, sdk.dir)
  const dist = join(pkgDir, 'dist')
  rmSync(dist, { recursive: true, force: true })
  const res = spawnSync(tsc, ['-p', join(pkgDir, 'tsconfig.build.json')], { stdio: 'inherit' })
  if (res.status !== 0) throw new Error(`tsc failed for ${sdk.dir}`)
  for (const file of assetsOf(join(pkgDir, 'src'))) cpSync(file, join(dist, relative(pkgDir, file)))
  for (const [from, to] of sdk.copy) {
    const source = resolve(pkgDir, from)
    if (!existsSync(source)) throw new Error(`${sdk.dir}: ${from} is missing`)
    mkdirSync(dirname(join(dist, to)), { recursive: true })
    cpSync(source, join(dist, to), { recursive: true })
  }
  const pkg = readJson(join(pkgDir, 'package.json'))
  const exports = Object.fromEntries(Object.entries(pkg.exports as Record<string, unknown>)
    .filter(([key]) => !sdk.drop?.includes(key))
    .map(([key, target]) => [key, builtExport(target)]))
  const bin = pkg.bin ? Object.fromEntries(Object.entries(pkg.bin as Record<string, string>).map(([name, file]) => [name, file.replace(/\.ts$/, '.js')])) : undefined
  const sideEffects = Array.isArray(pkg.sideEffects) ? (pkg.sideEffects as string[]).map(s => s.replace(/\.tsx?$/, '.js')) : pkg.sideEffects
  const { private: _private, devDependencies: _dev, scripts: _scripts, ...rest } = pkg
  const built = { ...rest, exports, ...(bin ? { bin } : {}), ...(sideEffects !== undefined ? { sideEffects } : {}), ...sdk.extra?.() }
  writeFileSync(join(dist, 'package.json'), `${JSON.stringify(built, null, 2)}\n`)
  return dist
}

/** `npm pack` of a built dist/ into `into`; returns the tarball's path. */
export function pack (dist: string, into: string): string {
  mkdirSync(into, { recursive: true })
  const res = spawnSync('npm', ['pack', dist, '--pack-destination', into, '--json', '--ignore-scripts'], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`npm pack ${dist} failed: ${res.stderr}`)
  const [info] = JSON.parse(res.stdout) as Array<{ filename: string }>
  return join(into, info!.filename)
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { pack: { type: 'string' } } })
  for (const sdk of sdks) {
    const dist = build(sdk)
    const pkg = readJson(join(dist, 'package.json'))
    if (values.pack) console.log(pack(dist, resolve(values.pack)))
    else console.log(`${pkg.name}@${pkg.version}: ${relative(process.cwd(), dist)}`)
  }
}
