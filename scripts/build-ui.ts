// npm run build:ui: builds the UI shell into ui-shell/dist and every UI module (ui-plugins/<id>,
// except the sdk and the template) into ui-plugins/<id>/dist, with remoteEntry.js at its root.
// Runs in `npm install` (root postinstall) and, when the shell is missing, on the first `npm start`.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')

/** The UI packages `build:ui` builds: the shell, then every module with a vite config. */
export function uiTargets (): Array<{ name: string, dir: string }> {
  const modules = existsSync(join(root, 'ui-plugins'))
    ? readdirSync(join(root, 'ui-plugins'), { withFileTypes: true })
      .filter(d => d.isDirectory() && d.name !== 'sdk' && d.name !== 'template' && existsSync(join(root, 'ui-plugins', d.name, 'vite.config.ts')))
      .map(d => ({ name: d.name, dir: join(root, 'ui-plugins', d.name) }))
    : []
  const shell = existsSync(join(root, 'ui-shell', 'vite.config.ts')) ? [{ name: 'ui-shell', dir: join(root, 'ui-shell') }] : []
  return [...shell, ...modules]
}

if (import.meta.main) {
  if (!existsSync(vite)) {
    console.error('build:ui: vite is not installed (run npm install)')
    process.exit(1)
  }
  const started = Date.now()
  for (const target of uiTargets()) {
    const t0 = Date.now()
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: target.dir, stdio: 'inherit' })
    if (result.status !== 0) {
      console.error(`build:ui: ${target.name} failed`)
      process.exit(result.status ?? 1)
    }
    console.log(`build:ui: ${target.name} built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }
  console.log(`build:ui: done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
