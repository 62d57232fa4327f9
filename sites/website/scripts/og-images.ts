// Renders the social preview images public/og/monozu-<lang>.png (1200×630; og:image must be a
// raster image) in Debian's Chromium:
//   npx node sites/website/scripts/og-images.ts
// A neutral card (the mark, the name and the footer's tagline), with no module in it: the PNGs are
// committed, so a picture of the product would go stale as modules land (the home page's hero
// image, drawn from the catalogue at build time, is the one that shows them).
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { pl } from '../src/i18n/pl.ts'
import { en } from '../src/i18n/en.ts'

const site = join(import.meta.dirname, '..')
const mark = '<svg viewBox="0 0 32 32" width="120" height="120"><rect width="32" height="32" rx="8" fill="#4a3fc8"/><rect x="7" y="7" width="8" height="8" rx="2" fill="#fff"/><rect x="17" y="7" width="8" height="8" rx="2" fill="#2dd4bf"/><rect x="7" y="17" width="8" height="8" rx="2" fill="#c7d2fe"/><rect x="17" y="17" width="8" height="8" rx="2" fill="#fff"/></svg>'
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
const page = await browser.newPage({ viewport: { width: 1200, height: 630 } })
for (const [lang, t] of [['pl', pl], ['en', en]] as const) {
  await page.setContent(`<html><body style="margin:0;width:1200px;height:630px;background:linear-gradient(#eef0ff,#fff);display:flex;flex-direction:column;align-items:center;justify-content:center;gap:36px;font-family:system-ui,sans-serif;color:#0f172a;text-align:center">
    <div style="display:flex;align-items:center;gap:32px">${mark}<span style="font-size:84px;font-weight:700;letter-spacing:-2px">Monozu <span style="color:#4a3fc8">Cloud</span></span></div>
    <p style="margin:0;max-width:940px;font-size:38px;line-height:1.3;color:#334155">${t.footer.tagline}</p>
  </body></html>`)
  await page.screenshot({ path: join(site, 'public', 'og', `monozu-${lang}.png`) })
}
await browser.close()
