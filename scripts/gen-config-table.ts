// npx node scripts/gen-config-table.ts: writes the configuration table of kernel/README.md (between
// the markers <!-- config:start --> and <!-- config:end -->) from the `variables` table in
// kernel/src/config/config.ts, the one place the kernel's configuration is declared. `--check`
// writes nothing and exits 1 when the checked-in table is stale (scripts/test/config-table.test.ts
// runs the same comparison in the suite).
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { variables, variablesReadElsewhere } from '@monozu/kernel/host'

export const readmeFile = resolve(import.meta.dirname, '..', 'kernel', 'README.md')
const start = '<!-- config:start -->'
const end = '<!-- config:end -->'

// A `|` inside a cell would end it early and shift every column after it.
const cell = (text: string) => text.replace(/\|/g, '\\|')

function shownDefault (fallback: unknown): string {
  if (fallback === undefined) return 'unset'
  if (Array.isArray(fallback) && fallback.length === 0) return 'none'
  return `\`${Array.isArray(fallback) ? fallback.join(',') : String(fallback)}\``
}

/** The markdown table: one row per kernel variable in declaration order, then those read elsewhere. */
export function configTable (): string {
  const rows = [
    ...Object.values(variables).map(v => ({ env: v.env, shown: v.shownDefault ?? shownDefault(v.fallback), meaning: v.meaning })),
    ...variablesReadElsewhere.map(v => ({ env: v.env, shown: v.shownDefault, meaning: v.meaning }))
  ]
  return ['| Variable | Default | Meaning |', '|---|---|---|',
    ...rows.map(r => `| \`${r.env}\` | ${cell(r.shown)} | ${cell(r.meaning)} |`)].join('\n')
}

/** `readme` with the text between the markers replaced by today's table. */
export function withConfigTable (readme: string): string {
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from === -1 || to < from) throw new Error(`kernel/README.md needs the markers ${start} and ${end}, in that order`)
  return `${readme.slice(0, from + start.length)}\n${configTable()}\n${readme.slice(to)}`
}

if (import.meta.main) {
  const current = readFileSync(readmeFile, 'utf8')
  const wanted = withConfigTable(current)
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error(`${readmeFile}: the configuration table is stale: run npx node scripts/gen-config-table.ts`)
      process.exit(1)
    }
    console.log('kernel/README.md: the configuration table is up to date')
  } else if (current !== wanted) {
    writeFileSync(readmeFile, wanted)
    console.log(`wrote the configuration table of ${readmeFile}`)
  }
}
