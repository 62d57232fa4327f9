// Renders the social preview images public/og/monozu-<lang>.png (1200×630; og:image must be a
// raster image) from the home page's platform sketches, in Debian's Chromium:
//   npx node sites/website/scripts/og-images.ts
// Re-run it when public/images/platform-overview-*.svg changes; the PNGs are committed.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const site = join(import.meta.dirname, '..')
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
const page = await browser.newPage({ viewport: { width: 1200, height: 630 } })
for (const lang of ['pl', 'en']) {
  const svg = readFileSync(join(site, 'public', 'images', `platform-overview-${lang}.svg`), 'utf8')
  await page.setContent(`<html><body style="margin:0;width:1200px;height:630px;background:linear-gradient(#eef0ff,#fff);display:flex;align-items:center;justify-content:center;overflow:hidden"><div style="width:1000px">${svg}</div></body></html>`)
  await page.screenshot({ path: join(site, 'public', 'og', `monozu-${lang}.png`) })
}
await browser.close()
