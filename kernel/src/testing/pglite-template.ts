import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'

// initdb inside WebAssembly is most of a PGlite test kernel's start-up (seconds on a loaded
// machine), and every test file starts at least one. A fresh cluster is the same every time, so
// it is made once per PGlite version, dumped under the temp dir and loaded by each test kernel.
// Only the empty cluster is cached: migrations and data always run for real.
function pgliteVersion (): string {
  // The package exports no package.json: walk up from its entry point.
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version
}
const version = pgliteVersion()
const file = join(tmpdir(), `monozu-pglite-template-${version}.tar`)
let cached: Promise<Blob> | undefined

async function make (): Promise<Blob> {
  if (existsSync(file)) return new Blob([readFileSync(file)])
  const db = new PGlite()
  await db.waitReady
  const dump = await db.dumpDataDir('none')
  await db.close()
  // Test files run in parallel processes: write aside, then rename, so no one reads half a file.
  const part = `${file}.${process.pid}.part`
  writeFileSync(part, Buffer.from(await dump.arrayBuffer()))
  renameSync(part, file)
  return dump
}

/** A dump of a fresh PGlite cluster, from the temp dir (made on first use). */
export function pgliteTemplate (): Promise<Blob> {
  cached ??= make().catch(err => { cached = undefined; throw err })
  return cached
}
