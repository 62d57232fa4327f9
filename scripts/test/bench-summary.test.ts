import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { readmeFile, resultsDir, summaryTable, withSummary } from '../bench-summary.ts'

const readme = readFileSync(readmeFile, 'utf8')

// The table is generated from the result lines and checked in: nobody edits it by hand, and a
// result line committed without its table fails here.
t.test('bench/results/README.md holds the table the result lines give today', async t => {
  t.equal(readme, withSummary(readme), 'stale: run `npx node scripts/bench-summary.ts` and commit bench/results/README.md')
})

t.test('one row per bench with results, judged by the median of its last three runs', async t => {
  const benches = new Set(readdirSync(resultsDir).filter(f => f.endsWith('.jsonl'))
    .flatMap(f => readFileSync(resolve(resultsDir, f), 'utf8').split('\n').filter(Boolean).map(l => (JSON.parse(l) as { bench: string }).bench)))
  const rows = summaryTable().split('\n').slice(2)
  t.equal(rows.length, benches.size, 'a row per bench')
  for (const bench of benches) t.ok(rows.some(r => r.startsWith(`| ${bench} |`)), `${bench} has its row`)
  t.throws(() => withSummary(readme.replace('<!-- summary:end -->', '')), /markers/, 'lost markers are an error, not a silent append')
  const edited = readme.replace(/\| (yes|no) \|/, '| maybe |')
  t.not(edited, readme, 'the hand edit applied')
  t.not(withSummary(edited), edited, 'a hand edit is caught')
})
