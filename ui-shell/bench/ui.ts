/**
 * `npm run bench -- ui`: gzip size of the shell's initial JS and of each module (scripts/ui-size.ts),
 * and the cold time until the first module is rendered in headless Chromium, median of 5, next
 * to the cold time until the shell alone (its sign-in page) is rendered, in the same run.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { freePort, startTestKernel } from '@monozu/kernel/testing'

const CHROMIUM = '/usr/bin/chromium'
const root = fileURLToPath(new URL('../../', import.meta.url))
const shellDir = `${root}ui-shell/dist`
const RUNS = 5
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

if (!existsSync(CHROMIUM) || !existsSync(`${shellDir}/index.html`)) {
  console.error(`needs ${CHROMIUM} (apt-get install -y chromium) and a built UI (npm run build:ui)`)
  process.exit(1)
}

const sizes = JSON.parse(execFileSync(process.execPath, [`${root}scripts/ui-size.ts`], { encoding: 'utf8' }).trim().split('\n').pop() as string) as Array<{ dist: string, initialGzipBytes: number }>
for (const s of sizes) console.log(`size      ${s.dist.padEnd(24)} ${(s.initialGzipBytes / 1024).toFixed(1)} KB gzip`)
const shellKb = (sizes.find(s => s.dist === 'ui-shell/dist')?.initialGzipBytes ?? 0) / 1024
const overviewKb = (sizes.find(s => s.dist === 'ui-plugins/overview/dist')?.initialGzipBytes ?? 0) / 1024

const port = await freePort()
const base = `http://127.0.0.1:${port}`
const k = await startTestKernel({ plugins: [`${root}plugins/overview`], shellDir, config: { port, host: '127.0.0.1', publicUrl: base }, database: 'pglite' })
await k.kernel.start()
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] })
try {
  const tenant = await k.createTenant({ name: 'Bench Tenant' })
  const { user, password } = await k.createUser(tenant, { roles: ['tenant-admin'] })
  const shellMs: number[] = []
  const moduleMs: number[] = []
  for (let i = 0; i < RUNS; i++) {
    // A fresh context per run: empty cache, no session (cold).
    const anonymous = await browser.newContext()
    const page = await anonymous.newPage()
    let t0 = performance.now()
    await page.goto(`${base}/`)
    await page.getByLabel(/^e-?mail$/i).waitFor()
    shellMs.push(performance.now() - t0)
    await anonymous.close()

    const context = await browser.newContext()
    const login = await context.request.post(`${base}/api/v1/auth/login`, { data: { email: user.email, password } })
    if (login.status() !== 200) throw new Error(`sign-in failed: ${login.status()}`)
    const signedIn = await context.newPage()
    t0 = performance.now()
    await signedIn.goto(`${base}/m/overview`)
    await signedIn.getByTestId('module-overview').waitFor()
    moduleMs.push(performance.now() - t0)
    await context.close()
  }
  const figure = Math.round(median(moduleMs))
  const baseline = Math.round(median(shellMs))
  console.log(`cold      shell sign-in page rendered: ${shellMs.map(Math.round).join(', ')} ms (median ${baseline})`)
  console.log(`cold      session restored + overview module rendered: ${moduleMs.map(Math.round).join(', ')} ms (median ${figure})`)
  const meets = shellKb <= 120 && figure <= 1500
  console.log(JSON.stringify({ bench: 'ui', figure, unit: 'ms (cold, first module rendered)', baseline, ratio: Math.round((figure / baseline) * 100) / 100, target: 'shell initial JS <= 120 KB gzip; first module rendered <= 1500 ms', meets, shellInitialKbGzip: Math.round(shellKb * 10) / 10, overviewKbGzip: Math.round(overviewKb * 10) / 10, runs: RUNS }))
} finally {
  await browser.close()
  await k.close()
}
