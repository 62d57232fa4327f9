// The product's modules, in the order of the nav, the home page grid and pricing. The list, each
// module's names and its status come from the plugins' manifests at build time (sites/catalogue,
// served by astro.config.ts): a planned module without a plugin is "coming", and a plugin that
// lands shows up as "available" with no edit here. The marketing copy in src/i18n is optional.
import { modules as built, platform } from 'virtual:monozu/build'
// Types only from sites/catalogue: its code imports the kernel, which has no place in the bundle.
import type { ProductModule } from '../../../catalogue/modules.ts'
import type { Locale } from '../i18n/index.ts'
import type { IconName } from '../components/icons.ts'

export type { ProductModule }
/** Modules the site has marketing copy (and prices) for. */
export const moduleIds = ['cmdb', 'itsm', 'security', 'vpn', 'backup', 'devices'] as const
export type ModuleId = typeof moduleIds[number]
export const hasCopy = (id: string): id is ModuleId => (moduleIds as readonly string[]).includes(id)

export const modules: ProductModule[] = built
/** The platform's own modules (Overview), for the hero image's menu. */
export const platformModules: ProductModule[] = platform
export const moduleById = (id: string): ProductModule | undefined => modules.find(m => m.id === id)
export const nameOf = (m: ProductModule, locale: Locale): string => m.name[locale]
/**
 * The module's sentence from its manifest (`summary`; in English the description without one),
 * or null: a module not built yet, or a Polish page whose manifest has no Polish summary.
 */
export const manifestSummary = (m: ProductModule, locale: Locale): string | null => m.summary[locale]
export const iconOf = (id: string): IconName => (hasCopy(id) ? id : 'blocks')

/** Modules shown as "works together with" on each module's page (only those in the list). */
const related: Record<ModuleId, ModuleId[]> = {
  cmdb: ['devices', 'itsm', 'security'],
  itsm: ['cmdb', 'security', 'backup'],
  security: ['devices', 'itsm', 'cmdb'],
  vpn: ['devices', 'security', 'cmdb'],
  backup: ['devices', 'itsm', 'cmdb'],
  devices: ['cmdb', 'security', 'backup']
}
export function relatedModules (id: string): ProductModule[] {
  const ids: string[] = hasCopy(id) ? related[id] : modules.filter(m => m.id !== id).slice(0, 3).map(m => m.id)
  return ids.map(moduleById).filter((m): m is ProductModule => m !== undefined)
}
