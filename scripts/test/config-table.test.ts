import t from 'tap'
import { readFileSync } from 'node:fs'
import { configTable, readmeFile, withConfigTable } from '../gen-config-table.ts'
import { variables, variablesReadElsewhere } from '@monozu/kernel/host'

const readme = readFileSync(readmeFile, 'utf8')

// The table is generated and checked in: this is the CI check that nobody changed the variables
// without the docs, or edited the table by hand.
t.test('kernel/README.md holds the table config.ts generates today', async t => {
  t.equal(readme, withConfigTable(readme), 'stale: run `npx node scripts/gen-config-table.ts` and commit kernel/README.md')
})

t.test('a hand edit or a new variable makes the check fail', async t => {
  const edited = readme.replace('| `PORT` | `8000` |', '| `PORT` | `8080` |')
  t.not(edited, readme, 'the edit applied')
  t.not(withConfigTable(edited), edited, 'a changed default is caught')
  const dropped = readme.replace(/^\| `JOB_POLL_MS` .*\n/m, '')
  t.not(dropped, readme, 'the row was removed')
  t.not(withConfigTable(dropped), dropped, 'a missing row is caught')
  t.throws(() => withConfigTable(readme.replace('<!-- config:end -->', '')), /markers/, 'lost markers are an error, not a silent append')
})

t.test('one row per variable, each with its name and default', async t => {
  const rows = configTable().split('\n').slice(2)
  const all = [...Object.values(variables), ...variablesReadElsewhere]
  t.equal(rows.length, all.length)
  for (const [i, v] of all.entries()) t.match(rows[i], new RegExp(`^\\| \`${v.env.replace(/[<>]/g, '.')}\` \\| `), `${v.env} in order`)
  t.match(configTable(), '| `REFRESH_IDLE_SECONDS` | `604800` (7 days) |', 'a shown default')
  t.match(configTable(), '| `DATABASE_POOL_MAX` | `10` |', 'a default from the fallback')
  t.match(configTable(), '| `PLUGINS_DIRS` | none |', 'an empty list reads none')
})
