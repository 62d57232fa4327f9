// What the product offers, for the website and the public docs: one list, computed at build time
// from the plugins' plugin.json files through the kernel's own discovery and profile selection.
// A planned module whose plugin is not in the tree is "coming"; once its plugin lands (and runs
// in the cloud profile) it is "available" under the names its manifest gives, with no edit here.
import { installedPlugins, type InstalledPlugin } from '@monozu/kernel/host'

export type ModuleStatus = 'available' | 'coming'
export type Lang = 'en' | 'pl'
export interface Names { en: string, pl: string }

export interface ProductModule {
  /** The URL slug and the license feature a tenant's license switches on. */
  id: string
  status: ModuleStatus
  /** From the manifest when the plugin is in the tree; the planned names otherwise. */
  name: Names
  /** The manifest's description (English, technical), or null for a module that is not built yet. */
  description: string | null
  /**
   * The customer-facing sentence per language: the manifest's `summary`; without one, English
   * falls back to the description and Polish has none (an English sentence on a Polish page
   * would be wrong). Both null for a module that is not built yet. Read it with summaryOf.
   */
  summary: { en: string | null, pl: string | null }
  /** The plugin that provides it, or null. */
  plugin: string | null
  version: string | null
}

/**
 * The product areas on sale or announced, in the order the website lists them. Only what no
 * manifest can say yet lives here: the order, and a name for a module whose plugin has not landed.
 */
export const plannedModules: ReadonlyArray<{ id: string, name: Names }> = [
  { id: 'cmdb', name: { en: 'CMDB', pl: 'CMDB' } },
  { id: 'itsm', name: { en: 'ITSM', pl: 'ITSM' } },
  { id: 'security', name: { en: 'Security', pl: 'Bezpieczeństwo' } },
  { id: 'vpn', name: { en: 'VPN', pl: 'VPN' } },
  { id: 'backup', name: { en: 'Backup', pl: 'Kopie zapasowe' } },
  { id: 'devices', name: { en: 'Devices', pl: 'Urządzenia' } }
]

/** The module a plugin sells: its license feature (a plugin without one is part of the platform). */
const featureOf = (p: InstalledPlugin) => p.manifest.license?.feature ?? null

function fromPlugin (id: string, p: InstalledPlugin): ProductModule {
  return {
    id,
    status: isCloudModule(p) ? 'available' : 'coming',
    name: { en: p.manifest.name.en, pl: p.manifest.name.pl },
    description: p.manifest.description,
    summary: { en: p.manifest.summary?.en ?? p.manifest.description, pl: p.manifest.summary?.pl ?? null },
    plugin: p.manifest.id,
    version: p.manifest.version
  }
}

/**
 * The planned modules, each with its status from the tree, then any other licensed plugin in
 * the cloud runs (a module nobody planned here still appears, after the planned ones, by id).
 */
export function productModules (installed: InstalledPlugin[]): ProductModule[] {
  const byFeature = new Map(installed.filter(p => featureOf(p) !== null).map(p => [featureOf(p)!, p]))
  const planned = plannedModules.map(({ id, name }) => {
    const plugin = byFeature.get(id)
    return plugin ? fromPlugin(id, plugin) : { id, status: 'coming' as const, name, description: null, summary: { en: null, pl: null }, plugin: null, version: null }
  })
  const known = new Set(plannedModules.map(m => m.id))
  // Outside the plan only a plugin customers use in the cloud is a module (edge-ingest sells
  // nothing; a plugin of another deployment, such as the operators' management, is not sold).
  const extra = [...byFeature].filter(([id, p]) => !known.has(id) && isCloudModule(p)).sort(([a], [b]) => a.localeCompare(b)).map(([id, p]) => fromPlugin(id, p))
  return [...planned, ...extra]
}

/** A plugin customers use: the cloud runs it (not only the ingest tier or the operators' own deployment). */
export const isCloudModule = (p: InstalledPlugin): boolean => p.profiles.includes('cloud')

/**
 * The platform's own modules: plugins with pages customers use in the cloud that no license
 * switches on (Overview), by id. Not for sale, so not on the website's pricing; the docs list them.
 */
export function platformModules (installed: InstalledPlugin[]): ProductModule[] {
  return installed.filter(p => featureOf(p) === null && isCloudModule(p) && p.manifest.ui !== undefined && !p.manifest.thirdParty)
    .sort((a, b) => a.manifest.id.localeCompare(b.manifest.id))
    .map(p => fromPlugin(p.manifest.id, p))
}

/** The module's sentence in `lang`, or null (a Polish page without a Polish summary shows none). */
export const summaryOf = (m: Pick<ProductModule, 'summary'>, lang: Lang): string | null => m.summary[lang]

/**
 * The plugins the repo ships, plus those in SITES_PLUGINS_DIRS (a path list), minus those whose
 * ids SITES_PLUGINS_HIDE lists (comma-separated). Both are for the sites' tests: a fixture plugin
 * added to a build, or a shipped one taken out of it, without touching the tree. PLUGINS_DIRS, a
 * deployment's partner plugins, is deliberately not read: the sites describe the product.
 */
export function sitePlugins (repoRoot: string, env: NodeJS.ProcessEnv = process.env): InstalledPlugin[] {
  const extra = (env.SITES_PLUGINS_DIRS ?? '').split(':').filter(Boolean)
  const hidden = new Set((env.SITES_PLUGINS_HIDE ?? '').split(',').map(id => id.trim()).filter(Boolean))
  return installedPlugins(repoRoot, extra).filter(p => !hidden.has(p.manifest.id))
}
