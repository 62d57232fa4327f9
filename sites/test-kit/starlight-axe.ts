// The accessibility test both Starlight sites (docs, internal docs) run: build the site into a
// temporary folder, serve it, and run axe on every page but redirects (a meta refresh navigates
// away: nothing of its own to check). No serious or critical violation may remain.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { builtPages } from './built-site.ts'
import { axePages, browserSkip, serveStatic } from './axe.ts'

export function starlightAxeTest (site: string): void {
  // A build and axe on every page (about 200 now, in two languages): past tap's 180 s per file
  // when CI runs other files beside it. The build and each page still fail on their own.
  t.setTimeout(600_000)
  t.test('axe finds no serious or critical violation on any page', { skip: browserSkip }, async t => {
    const tmp = mkdtempSync(join(tmpdir(), `monozu-${basename(site)}-axe-`))
    t.teardown(() => rmSync(tmp, { recursive: true, force: true }))
    const dist = join(tmp, 'dist')
    // Its own build: the generated files are written atomically, so this and build.test.ts can regenerate them side by side.
    const build = spawnSync('npm', ['run', '-s', 'build', '--', '--outDir', dist], { cwd: site, encoding: 'utf8' })
    if (build.status !== 0) { t.fail(`the site did not build: ${(build.stdout + build.stderr).slice(-3000)}`); return }
    const { base, server } = await serveStatic(dist)
    t.teardown(() => server.close())
    const paths = [...builtPages(dist)].filter(([, file]) => !readFileSync(file, 'utf8').includes('http-equiv="refresh"')).map(([url]) => url)
    const results = await axePages(base, paths, { concurrency: 3 })
    t.equal(results.size, paths.length, `axe ran on all ${paths.length} pages`)
    t.same([...results].filter(([, violations]) => violations.length > 0), [], `no serious or critical violation on any of the ${paths.length} pages`)
  })
}
