// npx node scripts/bench-summary.ts: writes the one summary table of bench/results/README.md
// (between <!-- summary:start --> and <!-- summary:end -->) from the result lines in
// bench/results/*.jsonl. `npm run bench` rewrites it after every run; `--check` writes nothing and
// exits 1 when the checked-in table is stale (scripts/test/bench-summary.test.ts runs the same
// comparison in the suite), so the table is never edited by hand.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const resultsDir = resolve(import.meta.dirname, '..', 'bench', 'results')
export const readmeFile = resolve(resultsDir, 'README.md')
const start = '<!-- summary:start -->'
const end = '<!-- summary:end -->'

interface Result { bench: string, figure: number, unit: string, target: string, meets: boolean, cpu?: string, cores?: number, date?: string }

const cell = (text: string) => text.replace(/\|/g, '\\|')
const number = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 })

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Each file's lines, oldest first; a line that is not a result is skipped. */
function results (): Map<string, Result[]> {
  const byBench = new Map<string, Result[]>()
  for (const file of readdirSync(resultsDir).filter(f => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(resolve(resultsDir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue
      try {
        const r = JSON.parse(line) as Result
        if (typeof r.bench === 'string' && typeof r.figure === 'number') byBench.set(r.bench, [...(byBench.get(r.bench) ?? []), r])
      } catch { /* a torn line from an interrupted run */ }
    }
  }
  return byBench
}

/**
 * One row per bench: its latest target, the median of its last three runs (the figure a target
 * is judged by) and the latest run's verdict, machine and date.
 */
export function summaryTable (): string {
  const rows = [...results().entries()].sort(([a], [b]) => a.localeCompare(b)).map(([bench, runs]) => {
    const last = runs[runs.length - 1] as Result
    const recent = runs.slice(-3)
    return `| ${bench} | ${cell(last.target)} | ${number(last.figure)} ${cell(last.unit)} | ${number(median(recent.map(r => r.figure)))} (${recent.length}) | ${last.meets ? 'yes' : 'no'} | ${cell(`${last.cpu ?? '?'}, ${last.cores ?? '?'} cores`)} | ${(last.date ?? '').slice(0, 10)} |`
  })
  return ['| Bench | Target | Latest figure | Median of last runs (n) | Latest meets | Machine | Date |', '|---|---|---|---|---|---|---|', ...rows].join('\n')
}

export function withSummary (readme: string): string {
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from === -1 || to < from) throw new Error(`bench/results/README.md needs the markers ${start} and ${end}, in that order`)
  return `${readme.slice(0, from + start.length)}\n${summaryTable()}\n${readme.slice(to)}`
}

if (import.meta.main) {
  const current = readFileSync(readmeFile, 'utf8')
  const next = withSummary(current)
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error('bench/results/README.md is stale: run npx node scripts/bench-summary.ts')
      process.exit(1)
    }
  } else if (next !== current) {
    writeFileSync(readmeFile, next)
  }
}
