// axe-core over every page of a built static site in Debian's Chromium, a few pages at a time:
// shared by the three sites' accessibility tests. A page passes with no violation of the
// impacts asked for (serious and critical by default).
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { extname, join, normalize, sep } from 'node:path'
import type { Browser, BrowserContext } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
/** tap's `skip` for a browser test, or false. */
export const browserSkip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (.ci/run installs it)`
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.xml': 'application/xml', '.txt': 'text/plain', '.woff2': 'font/woff2', '.pf_meta': 'application/octet-stream' }

/** A static host for `dir` on 127.0.0.1 (directory index, 404.html). */
export async function serveStatic (dir: string): Promise<{ base: string, server: Server }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const candidate = normalize(join(dir, path))
    const file = [candidate, join(candidate, 'index.html')].find(f => (f === dir || f.startsWith(dir + sep)) && existsSync(f) && statSync(f).isFile())
    if (!file) { res.writeHead(404, { 'content-type': types['.html']! }); createReadStream(join(dir, '404.html')).pipe(res); return }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

export interface AxeOptions {
  /** axe tags to run (default: WCAG 2.1 A and AA). */
  tags?: string[]
  /** Impacts that fail a page (default: serious and critical); null: every violation fails. */
  impacts?: string[] | null
  /** Prepares each browser context (e.g. routes a third-party script to a stand-in). */
  prepare?: (context: BrowserContext) => Promise<unknown>
  /** Pages at once. */
  concurrency?: number
}

/** axe's findings for every path under `base`: path → failing violations (empty when clean). */
export async function axePages (base: string, paths: string[], options: AxeOptions = {}): Promise<Map<string, string[]>> {
  const { chromium } = await import('playwright-core')
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args })
  const tags = options.tags ?? ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
  const impacts = options.impacts === undefined ? ['serious', 'critical'] : options.impacts
  const results = new Map<string, string[]>()
  try {
    const queue = [...paths]
    const worker = async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      await options.prepare?.(context)
      const page = await context.newPage()
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        await page.goto(base + path, { waitUntil: 'load' })
        await page.addScriptTag({ path: axePath })
        // A string, so this file needs no DOM types: it runs in the page, where axe now is.
        const found = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} } })
          .then(r => r.violations.map(v => ({ impact: v.impact, text: v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') })))`) as Array<{ impact: string, text: string }>
        results.set(path, found.filter(v => impacts === null || impacts.includes(v.impact)).map(v => v.text))
      }
      await context.close()
    }
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, paths.length) }, worker))
  } finally {
    await browser.close()
  }
  return results
}
