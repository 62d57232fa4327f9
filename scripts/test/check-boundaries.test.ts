import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkBoundaries } from '../check-boundaries.ts'

const script = fileURLToPath(new URL('../check-boundaries.ts', import.meta.url))

/** A small repo: a kernel with two faces, plugin a offering ./service, plugin b depending on a. */
function repo (t: Test): { root: string, write: (path: string, text: string) => void } {
  const root = mkdtempSync(join(tmpdir(), 'monozu-boundaries-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  const json = (path: string, value: unknown) => write(path, JSON.stringify(value))
  json('package.json', { name: 'repo', private: true })
  json('kernel/package.json', { name: '@monozu/kernel', exports: { '.': './src/index.ts', './testing': './src/testing/index.ts' } })
  write('kernel/src/index.ts', "export { inside } from './inside.ts'\n")
  write('kernel/src/inside.ts', 'export const inside = 1\n')
  write('kernel/src/testing/index.ts', "export * from '../index.ts'\n")
  write('kernel/test/inside.test.ts', "import { inside } from '../src/inside.ts'\n")
  json('plugins/a/package.json', { name: '@monozu/plugin-a', exports: { './service': './src/service.ts' } })
  json('plugins/a/plugin.json', { id: 'a' })
  write('plugins/a/src/index.ts', "import { inside } from '@monozu/kernel'\nimport type {\n  Service\n} from './service.ts'\n")
  write('plugins/a/src/service.ts', 'export interface Service { ping (): void }\n')
  write('plugins/a/test/a.test.ts', "import { inside } from '@monozu/kernel/testing'\n// import { inside } from '../../../kernel/src/inside.ts'\n")
  json('plugins/b/package.json', { name: '@monozu/plugin-b' })
  json('plugins/b/plugin.json', { id: 'b', dependencies: { a: '^1.0.0' } })
  write('plugins/b/src/index.ts', "import type { Service } from '@monozu/plugin-a/service'\n")
  write('scripts/tool.ts', "import { inside } from '@monozu/kernel'\n")
  return { root, write }
}

t.test('a repo whose imports keep to the faces passes', async t => {
  const { root } = repo(t)
  t.same(checkBoundaries(root), [], 'no violation (the commented-out import is not one)')
  const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8' })
  t.equal(run.status, 0, 'the command exits 0')
})

const planted: Array<[string, string, string, RegExp]> = [
  ['a plugin test reaching into the kernel by a relative path', 'plugins/a/test/inside.test.ts', "import { inside } from '../../../kernel/src/inside.ts'\n", /relative import leaves @monozu\/plugin-a/],
  ['a plugin importing a kernel path its exports do not name', 'plugins/a/src/deep.ts', "import { inside } from '@monozu/kernel/src/inside.ts'\n", /@monozu\/kernel does not export "\.\/src\/inside\.ts"/],
  ['a dynamic import of another plugin\'s source', 'plugins/b/src/lazy.ts', "const a = await import('../../a/src/service.ts')\n", /relative import leaves @monozu\/plugin-b/],
  ['a plugin importing another plugin\'s internals by name', 'plugins/b/src/deep.ts', "export { x } from '@monozu/plugin-a/src/service.ts'\n", /@monozu\/plugin-a does not export/],
  ['the kernel importing a plugin', 'kernel/src/devices.ts', "import type { Service } from '@monozu/plugin-a/service'\n", /the kernel imports no plugin/],
  ['a plugin importing a plugin it does not declare', 'plugins/a/src/uses-b.ts', "import b from '@monozu/plugin-b'\n", /plugin "a" imports plugin "b" without declaring it/],
  ['a script reaching into the kernel', 'scripts/peek.ts', "import {\n  inside\n} from '../kernel/src/inside.ts'\n", /relative import leaves repo/]
]

for (const [name, path, text, rule] of planted) {
  t.test(`fails on ${name}`, async t => {
    const { root, write } = repo(t)
    write(path, text)
    const found = checkBoundaries(root)
    t.equal(found.length, 1, 'one violation')
    t.match(found[0], { file: path, rule }, 'naming the file and the rule')
    const run = spawnSync(process.execPath, [script, root], { encoding: 'utf8' })
    t.equal(run.status, 1, 'the command exits 1')
    t.match(run.stderr, path, 'and prints the file')
  })
}
