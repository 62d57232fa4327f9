/**
 * `npm run bench -- <name> [args]`: runs one benchmark script in its own Node 24 process.
 * Add a bench by adding a line here (name → script path from the repo root).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const benches: Record<string, string> = {
  kernel: 'kernel/bench/kernel.ts',
  jobs: 'kernel/bench/jobs.ts',
  ws: 'kernel/bench/ws.ts',
  ui: 'ui-shell/bench/ui.ts',
  ingest: 'edge-ingest/bench/ingest.ts',
  cmdb: 'plugins/cmdb/bench/cmdb.ts'
}

const [name, ...args] = process.argv.slice(2)
const script = name === undefined ? undefined : benches[name]
if (script === undefined) {
  if (name !== undefined) console.error(`unknown bench "${name}"`)
  console.error(`usage: npm run bench -- <name> [args]\nbenches: ${Object.keys(benches).join(', ')}`)
  process.exit(2)
}
const root = new URL('../', import.meta.url)
const child = spawn(process.execPath, [fileURLToPath(new URL(script, root)), ...args], { stdio: 'inherit', cwd: fileURLToPath(root) })
// The bench cleans up (databases, temp dirs) on these signals: pass them on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)))
