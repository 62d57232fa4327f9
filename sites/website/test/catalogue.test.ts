// What the website offers comes from the plugins' manifests: a build with a fixture ITSM plugin
// added (through SITES_PLUGINS_DIRS, the tree untouched) shows ITSM as available under the
// fixture's names with a price and a buy button; the same build without it shows ITSM as coming
// ("wkrótce"), with neither. Every module's status on the pages equals the manifests'.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'node-html-parser'
import { productModules, sitePlugins, type ProductModule } from '../../catalogue/modules.ts'
import { buildSite, fileFor, siteDir } from './site.ts'

const repo = join(siteDir, '..', '..')
const fixtures = join(siteDir, 'test', 'fixtures', 'plugins')
const page = (dir: string, path: string) => parse(readFileSync(fileFor(dir, path)!, 'utf8'))

t.test('the catalogue reads the manifests', async t => {
  const without = productModules(sitePlugins(repo, {}))
  const withFixture = productModules(sitePlugins(repo, { SITES_PLUGINS_DIRS: fixtures }))
  t.match(without.find(m => m.id === 'itsm'), { status: 'coming', plugin: null, description: null }, 'no ITSM plugin in the tree: coming')
  t.match(withFixture.find(m => m.id === 'itsm'), { status: 'available', plugin: 'itsm', name: { en: 'Service desk (fixture)', pl: 'Obsługa zgłoszeń (fikstura)' } }, 'with the fixture: available, named by its manifest')
  t.match(without.find(m => m.id === 'devices'), { status: 'available', name: { pl: 'Urządzenia', en: 'Devices' } }, 'Devices from its plugin.json, with its Polish name')
  t.notOk(without.some(m => m.id === 'ingest' || m.plugin === 'overview'), 'plugins that sell nothing (edge-ingest, overview) are not product modules')
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
    }
  }
  return outDir
}

t.test('a build without the fixture: ITSM is coming', async t => {
  await checkBuild(t, 'catalogue-without', {}, productModules(sitePlugins(repo, {})))
})

t.test('the same build with the fixture plugin: ITSM is available, named by its manifest', async t => {
  const expected = productModules(sitePlugins(repo, { SITES_PLUGINS_DIRS: fixtures }))
  t.equal(expected.find(m => m.id === 'itsm')?.status, 'available')
  await checkBuild(t, 'catalogue-with', { SITES_PLUGINS_DIRS: fixtures }, expected)
})
