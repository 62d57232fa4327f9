// Takes the docs' screenshots of the web interface from the running demo, in English and Polish:
//   npx node sites/docs/scripts/screenshots.ts
// It starts the demo exactly as `npm start` does (its own port and a fresh data folder, so a
// demo you run is not touched), signs in as the Acme administrator in Debian's Chromium, and
// writes public/screenshots/<lang>/<name>.png, which the CMDB and Devices guides show. Run it
// again after a UI change: the pictures then match the product. Needs the built UI (npm install
// builds it) and /usr/bin/chromium.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Page } from 'playwright-core'

const site = resolve(import.meta.dirname, '..')
const repo = resolve(site, '..', '..')
const out = join(site, 'public', 'screenshots')

const port = await new Promise<number>(done => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => done(p)) })
})
const base = `http://127.0.0.1:${port}`
const dataDir = mkdtempSync(join(tmpdir(), 'monozu-screenshots-'))
const password = randomBytes(12).toString('base64url')
const demo = spawn(process.execPath, [join(repo, 'scripts', 'start.ts'), '--port', String(port)], {
  cwd: repo,
  env: { ...process.env, DATA_DIR: dataDir, MONOZU_DEMO_PASSWORD: password, LOG_LEVEL: 'warn', PORT: String(port) },
  stdio: ['ignore', 'ignore', 'inherit'],
  detached: true
})
const stop = () => { try { process.kill(-demo.pid!, 'SIGTERM') } catch { /* already gone */ } }
process.on('exit', () => { stop(); rmSync(dataDir, { recursive: true, force: true }) })

async function until (what: string, check: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await check().catch(() => false)) return
    await new Promise(r => setTimeout(r, 500))
  }
  throw new Error(`screenshots: ${what} did not happen within ${ms / 1000} s`)
}
await until('the demo start', async () => (await fetch(`${base}/api/v1/health`)).ok)

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
const shots: string[] = []
try {
  for (const lang of ['en', 'pl'] as const) {
    mkdirSync(join(out, lang), { recursive: true })
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: lang === 'pl' ? 'pl-PL' : 'en-GB' })
    const page = await context.newPage()
    await page.goto(base + '/')
    await page.getByLabel(/^e-?mail$/i).fill('admin@acme.example')
    await page.getByLabel(/password|hasło/i).fill(password)
    await page.getByRole('button', { name: /^(sign in|zaloguj się)$/i }).click()
    await page.locator('a[href="/m/cmdb"]').first().waitFor()
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle')
      const path = join(out, lang, `${name}.png`)
      await page.screenshot({ path })
      shots.push(path)
    }
    const open = async (path: string, ready: (p: Page) => Promise<unknown>) => { await page.goto(base + path); await ready(page) }

    await open('/m/cmdb', p => p.locator('main table tbody tr').first().waitFor())
    await shot('cmdb-list')
    await page.locator('main table tbody tr a[href*="/m/cmdb/ci/"]').first().click()
    await page.waitForURL(/\/m\/cmdb\/ci\//)
    await page.locator('main h1').first().waitFor()
    await shot('cmdb-ci')
    await open('/m/cmdb/import', p => p.locator('main h1').first().waitFor())
    await shot('cmdb-import')
    await open('/m/devices', p => p.locator('main table tbody tr').first().waitFor())
    await shot('devices-list')
    await page.locator('main table tbody tr a[href*="/m/devices/"]').first().click()
    await page.locator('main h1').first().waitFor()
    await shot('devices-device')
    await context.close()
  }
} finally {
  await browser.close()
  stop()
}
console.log(`screenshots: ${shots.length} written under ${out}`)
