// Builds the website once and checks every page: both languages, hreflang pairs, canonical URLs,
// links and assets, alt texts, labels, and the contact form's side of the contact-api contract.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse, type HTMLElement } from 'node-html-parser'
import { join } from 'node:path'
import { buildSite, fileFor, pagePaths, siteDir } from './site.ts'
import { pl } from '../src/i18n/pl.ts'
import { en } from '../src/i18n/en.ts'
import { productModules, sitePlugins } from '../../catalogue/modules.ts'
import { turnstileScriptUrl } from '../src/data/contact.ts'
import { dictionaries } from '../src/i18n/index.ts'
import { unfilledFacts } from '../src/data/company.ts'
import { contactErrorCodes } from '../src/i18n/types.ts'

const SITE = 'https://www.monozu.example'
const API = 'https://contact.monozu.example/api/contact'
const SITE_KEY = '0x4AAAAAAAtest-site-key'

const APP = 'https://app.monozu.example/'
const DOCS = 'https://docs.monozu.example/'
const catalogue = productModules(sitePlugins(join(siteDir, '..', '..'), {}))

/** Where each page lives without its locale prefix: the pages every language must have. */
const expectedPaths = ['/', ...catalogue.map(m => `/${m.id}/`), '/pricing/', '/contact/', '/privacy/', '/terms/', '/imprint/']

/** Dotted paths of every leaf in a dictionary, with arrays by index, to compare their shapes. */
function leaves (value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${prefix}[${i}]`))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
  }
  return [prefix]
}

t.test('the Polish and English dictionaries have the same keys and no empty text', async t => {
  t.same(leaves(en).sort(), leaves(pl).sort(), 'same leaves, list lengths included')
  const empty = [pl, en].flatMap(d => leaves(d).filter(path => {
    const value = path.split(/\.|\[|\]\.?/).filter(Boolean).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], d)
    return typeof value === 'string' && value.trim() === ''
  }))
  t.same(empty, [], 'no empty strings')
})

// A production build, with every setting given: what `npm run build:sites` makes.
const { outDir, remove } = await buildSite('build-test', {
  SITES_MODE: 'production',
  SITE_URL: SITE,
  CONTACT_API_URL: API,
  TURNSTILE_SITE_KEY: SITE_KEY,
  APP_URL: APP,
  DOCS_URL: DOCS
})
t.teardown(remove)

const paths = pagePaths(outDir)
const pages = new Map<string, { html: string, root: HTMLElement }>(paths.map(path => {
  const html = readFileSync(fileFor(outDir, path)!, 'utf8')
  return [path, { html, root: parse(html) }]
}))
const localized = paths.filter(p => p !== '/404.html')
const langOf = (path: string) => (path.startsWith('/en/') ? 'en' : 'pl')
const counterpart = (path: string) => (langOf(path) === 'en' ? path.slice(3) : `/en${path}`)

t.test('both languages are built, page for page', async t => {
  t.same(localized.filter(p => langOf(p) === 'pl').sort(), [...expectedPaths].sort(), 'every Polish page')
  t.same(localized.filter(p => langOf(p) === 'en').sort(), expectedPaths.map(p => `/en${p}`).sort(), 'every English page')
  for (const path of localized) t.ok(pages.has(counterpart(path)), `${path} has its counterpart ${counterpart(path)}`)
  t.ok(pages.has('/404.html'), 'a 404 page for static hosts')
})

t.test('each page: lang, title, canonical, hreflang alternates and language switch', async t => {
  for (const path of localized) {
    const { root } = pages.get(path)!
    const lang = langOf(path)
    const plPath = lang === 'pl' ? path : counterpart(path)
    const enPath = lang === 'en' ? path : counterpart(path)
    t.equal(root.querySelector('html')?.getAttribute('lang'), lang, `${path}: <html lang="${lang}">`)
    const title = root.querySelector('title')?.textContent.trim() ?? ''
    t.ok(title, `${path}: has a title`)
    t.ok([...title].length <= 60, `${path}: title of ${[...title].length} characters (at most 60): ${title}`)
    const ogImage = root.querySelector('meta[property="og:image"]')?.getAttribute('content') ?? ''
    t.ok(ogImage.startsWith(SITE + '/og/') && ogImage.endsWith('.png') && fileFor(outDir, ogImage.slice(SITE.length)), `${path}: og:image is a built PNG (${ogImage})`)
    t.equal(root.querySelector('meta[name="twitter:card"]')?.getAttribute('content'), 'summary_large_image', `${path}: twitter:card`)
    t.equal(root.querySelector('a[data-testid="sign-in"]')?.getAttribute('href'), APP, `${path}: signs in at APP_URL`)
    t.equal(root.querySelector('a[data-testid="docs-link"]')?.getAttribute('href'), DOCS + (lang === 'pl' ? '' : 'en/'), `${path}: links the docs in its language`)
    t.ok(root.querySelector('meta[name="description"]')?.getAttribute('content')?.trim(), `${path}: has a description`)
    t.equal(root.querySelectorAll('h1').length, 1, `${path}: one h1`)
    t.equal(root.querySelector('link[rel="canonical"]')?.getAttribute('href'), SITE + path, `${path}: canonical from SITE_URL`)

    const alternates: Record<string, string> = Object.fromEntries(root.querySelectorAll('link[rel="alternate"][hreflang]')
      .map(link => [link.getAttribute('hreflang') ?? '', link.getAttribute('href') ?? '']))
    t.same(alternates, { pl: SITE + plPath, en: SITE + enPath, 'x-default': SITE + enPath }, `${path}: hreflang pl, en, x-default`)
    for (const href of Object.values(alternates)) {
      const target = href.startsWith(SITE) ? href.slice(SITE.length) : undefined
      t.ok(target !== undefined && pages.has(target), `${path}: alternate ${href} is a built page`)
    }

    const switches = root.querySelectorAll('a[data-testid="language-switch"]')
    t.ok(switches.length > 0, `${path}: has a language switch`)
    for (const a of switches) {
      t.equal(a.getAttribute('href'), counterpart(path), `${path}: the switch leads to the same page in the other language`)
      t.equal(a.getAttribute('hreflang'), langOf(counterpart(path)), `${path}: the switch says which language it leads to`)
    }
    t.ok(root.querySelector('header nav') && root.querySelector('footer'), `${path}: header nav and footer`)
    const skip = root.querySelector('body a')
    t.equal(skip?.getAttribute('href'), '#main', `${path}: the first link skips to the content`)
    t.ok(root.querySelector('#main'), `${path}: the skip link has a target`)
  }
})

t.test('every internal link and asset resolves to a built file', async t => {
  let checked = 0
  for (const [path, { root }] of pages) {
    const urls = root.querySelectorAll('[href], [src]')
      .flatMap(el => [el.getAttribute('href'), el.getAttribute('src')])
      .filter((url): url is string => url !== undefined && url.startsWith('/') && !url.startsWith('//'))
    checked += urls.length
    t.same(urls.filter(url => !fileFor(outDir, url)), [], `${path}: all ${urls.length} internal URLs resolve`)
  }
  t.ok(checked > 200, `checked ${checked} internal URLs in all`)
})

t.test('every image has alt text, every form field a label, every id is unique', async t => {
  for (const [path, { root }] of pages) {
    const images = root.querySelectorAll('img')
    t.same(images.filter(img => !img.hasAttribute('alt')).map(img => img.getAttribute('src')), [], `${path}: all ${images.length} images have alt`)
    const fields = root.querySelectorAll('input, select, textarea')
      .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.getAttribute('type') ?? ''))
    const labelOf = (field: HTMLElement) => {
      const id = field.getAttribute('id')
      const label = (id ? root.querySelector(`label[for="${id}"]`) : null) ?? field.closest('label')
      const labelledBy = field.getAttribute('aria-labelledby')?.split(/\s+/).map(ref => root.querySelector(`#${ref}`)?.textContent ?? '').join(' ')
      return label?.textContent.trim() || field.getAttribute('aria-label')?.trim() || labelledBy?.trim()
    }
    t.same(fields.filter(field => !labelOf(field)).map(field => field.getAttribute('name')), [], `${path}: all ${fields.length} form fields have a label`)
    const ids = root.querySelectorAll('[id]').map(el => el.getAttribute('id'))
    t.same(ids.filter((id, i) => ids.indexOf(id) !== i), [], `${path}: ids are unique`)
  }
})

t.test('the contact form follows the contact-api contract', async t => {
  for (const path of ['/contact/', '/en/contact/']) {
    const { root } = pages.get(path)!
    const form = root.querySelector('form[data-testid="contact-form"]')
    if (!form) { t.fail(`${path}: no contact form`); continue }
    t.equal(form.getAttribute('data-endpoint'), API, `${path}: posts to CONTACT_API_URL`)
    t.equal(form.getAttribute('data-sitekey'), SITE_KEY, `${path}: Turnstile site key from TURNSTILE_SITE_KEY`)
    t.notMatch(root.toString(), /127\.0\.0\.1|1x00000000000000000000AA/, `${path}: no development stand-in in a production build`)
    t.same(form.querySelectorAll('[maxlength], [minlength]').map(el => el.getAttribute('name')), [], `${path}: no maxlength/minlength (they count UTF-16 units; the script counts characters as the API does)`)
    t.equal(form.getAttribute('data-locale'), langOf(path), `${path}: sends the page's locale`)
    for (const name of ['name', 'email', 'company', 'message', 'website']) {
      t.ok(form.querySelector(`[name="${name}"]`), `${path}: field ${name}`)
    }
    t.equal(form.querySelector('[name="message"]')?.tagName, 'TEXTAREA', `${path}: the message is a textarea`)
    const honeypot = form.querySelector('[name="website"]')!
    t.equal(honeypot.getAttribute('tabindex'), '-1', `${path}: honeypot out of the tab order`)
    t.equal(honeypot.getAttribute('autocomplete'), 'off', `${path}: honeypot not autofilled`)
    t.ok(honeypot.closest('[aria-hidden="true"]'), `${path}: honeypot hidden from assistive technology`)
    t.ok(form.querySelector('div#turnstile'), `${path}: Turnstile container`)
    t.ok(form.querySelector('button[type="submit"]'), `${path}: submit button`)
    const status = form.querySelector('p[role="status"][data-testid="contact-status"]')
    t.equal(status?.getAttribute('data-state'), 'idle', `${path}: status live region, idle`)
    // The page's messages, which the contact API's browser test reads too.
    const messages = JSON.parse(root.querySelector('script#contact-messages')?.textContent ?? '{}') as { status?: { success?: string, codes?: object } }
    const dictionary = dictionaries[langOf(path)]
    t.equal(messages.status?.success, dictionary.contact.status.success, `${path}: #contact-messages holds the page's messages`)
    t.same(Object.keys(messages.status?.codes ?? {}).sort(), [...contactErrorCodes].sort(), `${path}: a message for every API error code`)
  }
})

t.test('the Turnstile script is loaded on the contact pages only', async t => {
  for (const [path, { root, html }] of pages) {
    // The page's own code, inline or in its local script files.
    const code = [html, ...root.querySelectorAll('script[src^="/"]').map(s => readFileSync(fileFor(outDir, s.getAttribute('src')!)!, 'utf8'))].join('\n')
    const loads = code.includes(turnstileScriptUrl)
    t.equal(loads, path.endsWith('/contact/'), `${path}: ${loads ? 'loads' : 'does not load'} Turnstile`)
  }
})

t.test('robots.txt and the sitemap list every page with its alternates', async t => {
  const robots = readFileSync(join(outDir, 'robots.txt'), 'utf8')
  t.match(robots, `Sitemap: ${SITE}/sitemap.xml`, 'robots.txt names the sitemap at SITE_URL')
  const sitemap = readFileSync(join(outDir, 'sitemap.xml'), 'utf8')
  const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map(m => (m[1] as string).slice(SITE.length)).sort()
  t.same(locs, [...localized].sort(), 'one <loc> per built page (not the 404)')
  t.equal([...sitemap.matchAll(/hreflang="(pl|en)"/g)].length, locs.length * 2, 'each with its pl and en alternates')
})

t.test('the imprint marks every company fact still to be filled in', async t => {
  for (const path of ['/imprint/', '/en/imprint/']) {
    const { root } = pages.get(path)!
    const marked = root.querySelectorAll('[data-to-fill]').length
    t.equal(marked, unfilledFacts().length, `${path}: ${marked} facts marked as placeholders, as src/data/company.ts says`)
  }
})
