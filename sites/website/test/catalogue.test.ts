// What the website offers comes from the plugins' manifests. The ITSM plugin taken out of a build
// (SITES_PLUGINS_HIDE, the tree untouched) shows ITSM as coming ("wkrótce"), with no price and no
// buy button; a fixture plugin added (SITES_PLUGINS_DIRS) that sells a module nobody planned
// appears as available, under its manifest's names, with its Polish summary on the Polish pages.
// A plugin the cloud does not run (the operators' deployment, the ingest tier) is never a module.
// Every module's status, name and summary on the pages equal the manifests'.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'node-html-parser'
import { platformModules, productModules, sitePlugins, summaryOf, type ProductModule } from '../../catalogue/modules.ts'
import { buildSite, fileFor, siteDir } from './site.ts'

const repo = join(siteDir, '..', '..')
const fixtures = join(siteDir, 'test', 'fixtures', 'plugins')
const page = (dir: string, path: string) => parse(readFileSync(fileFor(dir, path)!, 'utf8'))
const without = { SITES_PLUGINS_HIDE: 'itsm' }
const withFixture = { SITES_PLUGINS_HIDE: 'itsm', SITES_PLUGINS_DIRS: fixtures }

t.test('the catalogue reads the manifests', async t => {
  const before = productModules(sitePlugins(repo, without))
  const after = productModules(sitePlugins(repo, withFixture))
  t.match(before.find(m => m.id === 'itsm'), { status: 'coming', plugin: null, description: null, summary: { en: null, pl: null } }, 'no ITSM plugin: coming, with no sentence')
  t.notOk(before.some(m => m.id === 'fx-audit'), 'no fixture: no such module')
  t.match(after.find(m => m.id === 'fx-audit'), {
    status: 'available',
    plugin: 'fx-audit',
    name: { en: 'Asset audit (fixture)', pl: 'Audyt zasobów (fikstura)' },
    summary: { en: 'Audits every customer\'s assets against their contracts (fixture).', pl: 'Sprawdza zasoby każdego klienta z umowami (zdanie z fikstury).' }
  }, 'with the fixture: available, named and summarised by its manifest')
  t.equal(after.at(-1)?.id, 'fx-audit', 'a module nobody planned comes after the planned ones')
  t.notOk(after.some(m => m.id === 'fx-operators'), 'a licensed plugin the cloud does not run is no customer module')
  t.notOk(platformModules(sitePlugins(repo, withFixture)).some(m => m.id === 'fx-operators'), 'nor a platform module')
  t.notOk(after.some(m => m.plugin === 'management' || m.id === 'ingest' || m.plugin === 'overview'), 'the operators\' management, edge-ingest and overview are not product modules')
  const devices = before.find(m => m.id === 'devices')!
  t.match(devices, { status: 'available', name: { pl: 'Urządzenia', en: 'Devices' } }, 'Devices from its plugin.json, with its Polish name')
  t.ok(devices.summary.pl && devices.summary.en && devices.summary.en !== devices.description, 'and its summary in both languages')
  t.same(platformModules(sitePlugins(repo, {})).map(m => m.id), ['overview'], 'Overview is the platform\'s own module')
  t.equal(summaryOf({ summary: { en: 'Described.', pl: null } }, 'pl'), null, 'no Polish summary: nothing in Polish (never the English description)')
})

async function checkBuild (t: Test, name: string, env: Record<string, string>, expected: ProductModule[]) {
  const { outDir, remove } = await buildSite(name, env)
  t.teardown(remove)
  for (const locale of ['pl', 'en'] as const) {
    const prefix = locale === 'pl' ? '' : '/en'
    const pricing = page(outDir, `${prefix}/pricing/`)
    for (const m of expected) {
      const row = pricing.querySelector(`li#${m.id}`)
      t.equal(row?.getAttribute('data-module-status'), m.status, `${locale} pricing: ${m.id} is ${m.status}`)
      t.match(row?.querySelector('h3 a')?.textContent ?? '', m.name[locale], `${locale} pricing: ${m.id} named "${m.name[locale]}"`)
      const modulePage = page(outDir, `${prefix}/${m.id}/`)
      const badge = modulePage.querySelector('main [data-module-status]')
      t.equal(badge?.getAttribute('data-module-status'), m.status, `${locale} /${m.id}/: status badge ${m.status}`)
      if (m.status === 'coming') {
        t.equal(row?.querySelectorAll('[data-price], [data-buy]').length, 0, `${locale} pricing: ${m.id} has no price and no buy button`)
        t.equal(modulePage.querySelectorAll('[data-price], [data-buy]').length, 0, `${locale} /${m.id}/: no price, no buy button`)
        t.equal(badge?.textContent.trim(), locale === 'pl' ? 'Wkrótce' : 'Coming', `${locale} /${m.id}/: says so`)
      } else {
        t.ok(row?.querySelectorAll('[data-price]').length === 2 && row.querySelector('[data-buy]'), `${locale} pricing: ${m.id} has its two prices and a buy button`)
        t.ok(modulePage.querySelector('[data-price]') && modulePage.querySelector('[data-buy]'), `${locale} /${m.id}/: price and buy button`)
      }
      t.match(modulePage.querySelector('h1')?.parentNode?.toString() ?? '', m.name[locale], `${locale} /${m.id}/: the manifest's name on the page`)
      const summary = summaryOf(m, locale)
      if (summary) {
        t.equal(row?.querySelector('[data-summary]')?.textContent.trim(), summary, `${locale} pricing: ${m.id}'s summary from its manifest`)
        t.equal(modulePage.querySelector('main [data-summary]')?.textContent.trim(), summary, `${locale} /${m.id}/: the summary is the lead`)
      } else {
        t.equal(row?.querySelectorAll('[data-summary]').length, 0, `${locale} pricing: ${m.id} has no manifest sentence to show`)
      }
    }
    // The hero's lead names the available modules, and the coming ones only as coming.
    const lead = page(outDir, `${prefix}/`).querySelector('[data-testid="hero-lead"]')?.textContent ?? ''
    const [now = '', later = ''] = lead.split(locale === 'pl' ? /,\sa\skolejne/ : /,\swith\smore/) // \s: Polish pages bind one-letter words with a no-break space
    for (const m of expected) {
      t.ok((m.status === 'available' ? now : later).includes(m.name[locale]), `${locale} home: the lead names ${m.id} as ${m.status}`)
    }
    t.equal(later === '', !expected.some(m => m.status === 'coming'), `${locale} home: a "coming" clause only while a module is coming`)
    // The home page's hero image is drawn from the same list: no module in its menu that is not available.
    const hero = readFileSync(join(outDir, 'images', `platform-overview-${locale}.svg`), 'utf8')
    for (const m of expected) {
      t.match(hero, `data-module="${m.id}" data-status="${m.status}"`, `${locale} hero image: ${m.id} ${m.status}`)
      t.equal(hero.includes(`data-menu="${m.id}"`), m.status === 'available', `${locale} hero image: ${m.id} ${m.status === 'available' ? 'in' : 'not in'} the menu`)
    }
  }
  return outDir
}

t.test('a build without ITSM\'s plugin and without the fixture: ITSM is coming', async t => {
  const expected = productModules(sitePlugins(repo, without))
  const outDir = await checkBuild(t, 'catalogue-without', without, expected)
  t.notOk(fileFor(outDir, '/fx-audit/'), 'no page for the fixture module')
})

t.test('the same build with the fixture plugin: its module is available, named and summarised by its manifest', async t => {
  const expected = productModules(sitePlugins(repo, withFixture))
  t.equal(expected.find(m => m.id === 'fx-audit')?.status, 'available')
  const outDir = await checkBuild(t, 'catalogue-with', withFixture, expected)
  t.match(page(outDir, '/fx-audit/').querySelector('main [data-summary]')?.textContent ?? '', 'Sprawdza zasoby każdego klienta z umowami', 'the Polish page shows the Polish summary')
  t.match(page(outDir, '/en/fx-audit/').querySelector('main [data-summary]')?.textContent ?? '', 'Audits every customer', 'the English page the English one')
  t.match(page(outDir, '/pricing/').querySelector('li#fx-audit [data-summary]')?.textContent ?? '', 'Sprawdza zasoby', 'so does the Polish pricing page')
  t.notOk(fileFor(outDir, '/fx-operators/'), 'no page for a plugin the cloud does not run')
})
