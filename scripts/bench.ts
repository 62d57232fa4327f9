/**
 * `npm run bench -- <name> [args]`: runs one benchmark script in its own Node 24 process.
 * Add a bench by adding a line here (name → script path from the repo root).
 *
 * Every bench ends with one JSON result line per figure (`{"bench":"ingest-1","figure":...}`).
 * This runner passes the output through and appends each result line, with the CPU model and
 * the date, to bench/results/<bench>.jsonl, so the history lives in one place per bench instead
 * of in READMEs, and no bench has to remember to write it; then it rewrites the summary table in
 * bench/results/README.md (scripts/bench-summary.ts).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { createInterface } from 'node:readline'
import { readmeFile, withSummary } from './bench-summary.ts'

const benches: Record<string, string> = {
  kernel: 'kernel/bench/kernel.ts',
  jobs: 'kernel/bench/jobs.ts',
  events: 'kernel/bench/events.ts',
  ws: 'kernel/bench/ws.ts',
  ui: 'ui-shell/bench/ui.ts',
  ingest: 'edge-ingest/bench/ingest.ts',
  cmdb: 'plugins/cmdb/bench/cmdb.ts',
  itsm: 'plugins/itsm/bench/itsm.ts',
  backup: 'plugins/backup/bench/backup.ts',
  vpn: 'plugins/vpn/bench/vpn.ts',
  security: 'plugins/security/bench/security.ts',
  'management-burst': 'plugins/management/bench/burst.ts'
}

const [name, ...args] = process.argv.slice(2)
const script = name === undefined ? undefined : benches[name]
if (script === undefined) {
  if (name !== undefined) console.error(`unknown bench "${name}"`)
  console.error(`usage: npm run bench -- <name> [args]\nbenches: ${Object.keys(benches).join(', ')}`)
  process.exit(2)
}
const root = new URL('../', import.meta.url)
const resultsDir = fileURLToPath(new URL('bench/results/', root))
const child = spawn(process.execPath, [fileURLToPath(new URL(script, root)), ...args], { stdio: ['inherit', 'pipe', 'inherit'], cwd: fileURLToPath(root) })
// The bench cleans up (databases, temp dirs) on these signals: pass them on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal))

const lines = createInterface({ input: child.stdout, crlfDelay: Infinity })
lines.on('line', line => {
  process.stdout.write(line + '\n')
  const result = resultOf(line)
  if (result === undefined) return
  mkdirSync(resultsDir, { recursive: true })
  const record = { ...result, cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, date: new Date().toISOString() }
  appendFileSync(`${resultsDir}${result.bench}.jsonl`, JSON.stringify(record) + '\n')
  recorded = true
})
// Exit only once the last line is written and recorded.
let exit: { code: number | null, signal: NodeJS.Signals | null } | undefined
let closed = false
let recorded = false
const finish = () => {
  if (exit === undefined || !closed) return
  // The summary table in bench/results/README.md follows the lines just appended.
  if (recorded) writeFileSync(readmeFile, withSummary(readFileSync(readmeFile, 'utf8')))
  process.exit(exit.code ?? (exit.signal ? 130 : 1))
}
lines.on('close', () => { closed = true; finish() })
child.on('exit', (code, signal) => { exit = { code, signal }; finish() })

/** A bench's JSON result line: an object with a file-safe `bench` name and a `meets` verdict. */
function resultOf (line: string): { bench: string } & Record<string, unknown> | undefined {
  if (!line.startsWith('{') || !line.includes('"bench"')) return undefined
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>
    if (typeof parsed.bench !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(parsed.bench) || !('meets' in parsed)) return undefined
    return parsed as { bench: string } & Record<string, unknown>
  } catch {
    return undefined
  }
}
