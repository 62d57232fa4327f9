import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Test } from 'tap'
import { freePort, startTestKernel, type TestKernel, type TestKernelOptions } from '@monozu/kernel/testing'

// What every browser test of the shell needs: Debian's Chromium (never a downloaded browser),
// the built shell, a kernel listening on a free port and serving it, and a place for screenshots.
const CHROMIUM = '/usr/bin/chromium'
const shellDir = fileURLToPath(new URL('../../dist', import.meta.url))
export const shots = fileURLToPath(new URL('../../../.tap/screenshots/', import.meta.url))
export const repoPath = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url))

// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// closed network refuses many at a time.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** tap's `skip` for a browser test: why it cannot run here, or false. `module`: a UI module the test needs built. */
export function browserSkip (module?: string): string | false {
  if (!existsSync(CHROMIUM)) return `needs Debian's Chromium at ${CHROMIUM} (.ci/run installs it)`
  if (!existsSync(`${shellDir}/index.html`)) return 'needs the built shell (npm run build:ui)'
  if (module !== undefined && !existsSync(repoPath(`ui-plugins/${module}/dist/remoteEntry.js`))) return `needs the built ${module} module (npm run build:ui)`
  return false
}

/**
 * A signed-in page: its context (the caller closes it), the paths it requested, its uncaught
 * errors and every Content Security Policy violation it reported (event or console message).
 */
export interface SignedIn { context: BrowserContext, page: Page, requested: string[], errors: string[], cspViolations: string[] }

/** Runs in every page before its own scripts: a blocked script, style or connection becomes a console line. */
const reportCsp = `document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber))`

/**
 * A kernel with `plugins` (and `config`, e.g. the admin panel on; `options`, e.g. the
 * `management` profile and plugin config) serving the built shell on a free port, and Chromium.
 * The caller closes both (`close`), in its teardown. `signIn` opens a fresh context and signs in
 * through the shell's form; it returns once the form is sent, so the caller waits for what its
 * test needs next.
 */
export async function startBrowserKernel (plugins: string[], config: NonNullable<Parameters<typeof startTestKernel>[0]>['config'] = {}, options: Pick<TestKernelOptions, 'profile' | 'pluginConfig'> = {}): Promise<{ k: TestKernel, base: string, browser: Browser, signIn: (email: string, password: string) => Promise<SignedIn>, close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core')
  mkdirSync(shots, { recursive: true })
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const k = await startTestKernel({ ...options, plugins, shellDir, config: { ...config, port, host: '127.0.0.1', publicUrl: base } })
  const browser = await k.kernel.start().then(() => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }))
    .catch(async (err: unknown) => { await k.close(); throw err })
  const signIn = async (email: string, password: string): Promise<SignedIn> => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } })
    const page = await context.newPage()
    const requested: string[] = []
    const errors: string[] = []
    const cspViolations: string[] = []
    page.on('request', r => requested.push(new URL(r.url()).pathname))
    page.on('pageerror', e => errors.push(e.message))
    await page.addInitScript(reportCsp)
    page.on('console', m => { if (/CSP violation|Content Security Policy/.test(m.text())) cspViolations.push(m.text()) })
    await page.goto(base + '/')
    await page.getByLabel(/^e-?mail$/i).fill(email)
    await page.getByLabel(/password|hasło/i).fill(password)
    await page.getByRole('button', { name: /^(sign in|zaloguj się)$/i }).click()
    return { context, page, requested, errors, cspViolations }
  }
  return { k, base, browser, signIn, close: async () => { await browser.close(); await k.close() } }
}

/**
 * axe-core on what `page` shows now: no serious or critical violation. Each one is listed with
 * the elements it found, so the failure says what to fix. Call it on every main screen, in en and pl.
 */
export async function expectAccessible (t: Test, page: Page, label: string): Promise<void> {
  const { AxeBuilder } = await import('@axe-core/playwright')
  const results = await new AxeBuilder({ page }).analyze()
  const bad = results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  const found = bad.map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}`)
  t.same(found, [], `${label}: no serious or critical accessibility violations`)
}
