// Gzip size of a built UI. The shell's initial JS: index.html's scripts and modulepreloads, what
// they import statically, and what the federation bootstrap imports dynamically at start (the
// shared react, react-dom and @monozu/ui-sdk the host provides and consumes itself); dynamic
// imports in application code (the lazy sign-in page, the SDK's lazy components) are not initial.
// A remote: remoteEntry.js and the chunks rendering its module fetches when the shell provides
// the shared packages (the remote's own fallback copies, `__prebuild__` chunks, are not counted).
// `node scripts/ui-size.ts [dist ...]`
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = resolve(import.meta.dirname, '..')
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
const gz = (file: string) => gzipSync(readFileSync(file), { level: Number(process.env.UI_SIZE_GZIP_LEVEL ?? 9) }).length

const federationChunk = /mf-entry-bootstrap|hostInit|remoteEntry|localSharedImportMap|loadShare|prebuild|pendingShares/

/** JS files reachable from `start` by static imports, and by import() where `followDynamic` says so. */
function closure (dist: string, start: string[], followDynamic: (file: string) => boolean, remote: boolean): Set<string> {
  const seen = new Set<string>()
  const queue = [...start]
  while (queue.length) {
    const file = queue.pop() as string
    if (seen.has(file) || !existsSync(file)) continue
    seen.add(file)
    const code = readFileSync(file, 'utf8')
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[^'"`;()]*?from\s*)?["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g)) queue.push(resolve(dirname(file), m[1] as string))
    if (!followDynamic(file)) continue
    // import("./x.js") and the federation runtime's own string references to chunks
    for (const m of code.matchAll(/["'`](\.{0,2}\/?(?:assets\/)?[^"'`\s]+\.js)["'`]/g)) {
      const spec = m[1] as string
      const candidates = [resolve(dirname(file), spec), join(dist, spec.replace(/^\/(ui\/[^/]+\/)?/, ''))]
      const found = candidates.find(c => c.startsWith(dist) && existsSync(c))
      if (found && !(remote && /__prebuild__/.test(found))) queue.push(found)
    }
  }
  return seen
}

function allJs (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? allJs(p) : p.endsWith('.js') ? [p] : []
  })
}

function report (dist: string): Record<string, unknown> {
  const html = join(dist, 'index.html')
  const remote = existsSync(join(dist, 'remoteEntry.js'))
  let start: string[]
  if (!remote) {
    const text = readFileSync(html, 'utf8')
    start = [...text.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.js)"/g)].map(m => join(dist, m[1] as string))
  } else {
    start = [join(dist, 'remoteEntry.js')]
  }
  // In a remote only remoteEntry.js's import()s (its exposes) are followed: the other dynamic
  // imports are the remote's fallback copies of shared packages, never fetched under the shell.
  const reached = closure(dist, start, file => remote ? file.endsWith('remoteEntry.js') : federationChunk.test(file.slice(dist.length)), remote)
  if (process.env.UI_SIZE_VERBOSE) for (const f of reached) console.log(`  ${kb(gz(f)).padStart(9)}  ${relative(dist, f)}`)
  const initial = [...reached].reduce((sum, f) => sum + gz(f), 0)
  const everything = allJs(dist)
  const total = everything.reduce((sum, f) => sum + gz(f), 0)
  const name = relative(root, dist)
  console.log(`${name}: ${remote ? 'remoteEntry + module' : 'initial JS'} ${kb(initial)} gzip (${reached.size} files); all JS ${kb(total)} gzip (${everything.length} files)`)
  return { dist: name, initialGzipBytes: initial, initialFiles: reached.size, allJsGzipBytes: total, allJsFiles: everything.length }
}

const dirs = process.argv.slice(2).length ? process.argv.slice(2).map(d => resolve(d)) : [join(root, 'ui-shell', 'dist'), ...readdirSync(join(root, 'ui-plugins')).map(d => join(root, 'ui-plugins', d, 'dist'))].filter(d => existsSync(d))
console.log(JSON.stringify(dirs.map(report)))
