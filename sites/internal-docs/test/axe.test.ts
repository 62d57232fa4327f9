// axe-core on every built page of the internal docs in Debian's Chromium, the search button included:
// no serious or critical violation. Its own build (the generated files are written atomically,
// so this and build.test.ts can regenerate them side by side).
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { builtPages } from '../../test-kit/built-site.ts'
import { axePages, browserSkip, serveStatic } from '../../test-kit/axe.ts'

const site = resolve(import.meta.dirname, '..')

t.test('axe finds no serious or critical violation on any page', { skip: browserSkip }, async t => {
  const tmp = mkdtempSync(join(tmpdir(), 'monozu-internal-docs-axe-'))
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
  const dist = join(tmp, 'dist')
  const build = spawnSync('npm', ['run', '-s', 'build', '--', '--outDir', dist], { cwd: site, encoding: 'utf8' })
  if (build.status !== 0) { t.fail(`the site did not build: ${(build.stdout + build.stderr).slice(-3000)}`); return }
  const { base, server } = await serveStatic(dist)
  t.teardown(() => server.close())
  // A redirect page (meta refresh, for a moved path) navigates away: nothing of its own to check.
  const paths = [...builtPages(dist)].filter(([, file]) => !readFileSync(file, 'utf8').includes('http-equiv="refresh"')).map(([url]) => url)
  const results = await axePages(base, paths, { concurrency: 3 })
  t.equal(results.size, paths.length, `axe ran on all ${paths.length} pages`)
  t.same([...results].filter(([, violations]) => violations.length > 0), [], `no serious or critical violation on any of the ${paths.length} pages`)
})
