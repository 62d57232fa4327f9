// The build's data, served in memory by astro.config.ts (see src/data/modules.ts and settings).
declare module 'virtual:monozu/build' {
  import type { ProductModule } from '../../catalogue/modules.ts'
  import type { WebsiteSettings } from './generate/settings.ts'
  export const modules: ProductModule[]
  /** The platform's own modules (Overview): in the app for every customer, not for sale. */
  export const platform: ProductModule[]
  export const settings: WebsiteSettings
}
