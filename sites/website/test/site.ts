// Shared by the website's tests: build the site into a private folder, list its pages, serve it.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { rm, rmdir } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { dirname, extname, join, normalize, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const siteDir = fileURLToPath(new URL('..', import.meta.url))
const astroBin = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'bin', 'astro.mjs')

/**
 * Runs `astro build` on this Node (24) into a fresh folder and returns it. The folder is inside the
 * package on purpose: Astro keeps its intermediate server build next to an outDir inside the
 * project, but in one shared folder for an outDir elsewhere, so two builds at once would clash.
 */
export async function buildSite (name: string, env: Record<string, string> = {}): Promise<{ outDir: string, remove: () => Promise<void> }> {
  const outDir = join(siteDir, '.test-dist', `${name}-${process.pid}`)
  await rm(outDir, { recursive: true, force: true })
  const child = spawn(process.execPath, [astroBin, 'build', '--outDir', outDir], {
    cwd: siteDir,
    // The tests build in the explicit development mode (local stand-ins) unless they say otherwise.
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', SITES_MODE: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stdout.on('data', (chunk: Buffer) => { log += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { log += chunk.toString() })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  if (code !== 0) throw new Error(`astro build exited with ${code}:\n${log}`)
  const remove = async () => {
    await rm(outDir, { recursive: true, force: true })
    await rmdir(dirname(outDir)).catch(() => {}) // still in use by another test file
  }
  return { outDir, remove }
}

/** Every HTML file under `dir`, as the URL path it is served at ("/en/pricing/", "/404.html"). */
export function pagePaths (dir: string): string[] {
  const found: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.html')) {
        const rel = '/' + relative(dir, full).split(sep).join('/')
        found.push(rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel)
      }
    }
  }
  walk(dir)
  return found.sort()
}

/** The file a URL path resolves to in `dir` (query and fragment ignored), or undefined. */
export function fileFor (dir: string, urlPath: string): string | undefined {
  const path = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '')
  const candidate = normalize(join(dir, path))
  if (candidate !== dir && !candidate.startsWith(dir + sep)) return undefined
  const file = path.endsWith('/') ? join(candidate, 'index.html') : candidate
  return existsSync(file) && statSync(file).isFile() ? file : undefined
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml'
}

/** A minimal static server for `dir` on 127.0.0.1 (what a static host does, 404.html included). */
export async function serve (dir: string): Promise<{ base: string, server: Server }> {
  const server = createServer((req, res) => {
    const file = fileFor(dir, new URL(req.url ?? '/', 'http://x').pathname)
    if (!file) {
      res.writeHead(404, { 'content-type': types['.html']! })
      res.end(readFileSync(join(dir, '404.html')))
      return
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { base: `http://127.0.0.1:${port}`, server }
}
