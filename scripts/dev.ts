// npm run dev: the kernel (PORT, default 8000), the shell's Vite dev server with hot reload
// (MONOZU_UI_PORT, default 5173; it proxies /api, WebSockets included, and /.well-known to the
// kernel and serves /ui/<id>/ from each module's build folder) and every UI module in
// `vite build --watch`. Open http://127.0.0.1:5173. Ctrl+C stops everything.
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { prefixLines } from './prefix-lines.ts'
import { uiTargets } from './build-ui.ts'

const root = resolve(import.meta.dirname, '..')
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
const kernelPort = process.env.PORT ?? '8000'
const uiPort = process.env.MONOZU_UI_PORT ?? '5173'
// The shell's dev origin may use the session cookie routes and open sockets.
const allowedOrigins = [process.env.ALLOWED_ORIGINS, `http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`].filter(Boolean).join(',')

const children: ChildProcess[] = []
let stopping = false

function run (name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): void {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const prefix = `[${name}]`.padEnd(11)
  prefixLines(child.stdout!, process.stdout, prefix)
  prefixLines(child.stderr!, process.stderr, prefix)
  child.on('exit', code => {
    if (stopping) return
    console.error(`${prefix} exited with ${code}; stopping the rest`)
    stop(code ?? 1)
  })
}

function stop (code = 0): void {
  if (stopping) return
  stopping = true
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  const timer = setTimeout(() => process.exit(code), 15_000)
  timer.unref()
  Promise.all(children.map(c => c.exitCode !== null ? Promise.resolve() : new Promise(r => c.once('exit', r)))).then(() => process.exit(code), () => process.exit(code))
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

for (const target of uiTargets().filter(t => t.name !== 'ui-shell')) {
  run(target.name, [vite, 'build', '--watch', '--logLevel', 'warn'], target.dir)
}
run('kernel', [join(root, 'kernel', 'src', 'cli.ts'), 'start'], root, { PORT: kernelPort, ALLOWED_ORIGINS: allowedOrigins })
run('shell', [vite, '--port', uiPort, '--strictPort'], join(root, 'ui-shell'), { MONOZU_KERNEL_URL: `http://127.0.0.1:${kernelPort}` })
console.log(`Monozu dev: open http://127.0.0.1:${uiPort} (kernel on :${kernelPort})`)
