import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'astro/config'
import tailwindcss from '@tailwindcss/vite'
import { SettingsError, websiteSettings } from './src/generate/settings.ts'

// Production unless SITES_MODE=development: without its settings a production build stops here,
// before anything is built, with the message that names them.
let settings
try {
  settings = websiteSettings(process.env)
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(`\nwebsite: ${error.message}\n`)
    process.exit(1)
  }
  throw error
}

// The module list comes from the plugins' manifests (sites/catalogue), computed by the kernel's
// discovery in a child process on Node's own TypeScript.
const { modules, platform } = JSON.parse(execFileSync(process.execPath, [fileURLToPath(new URL('./src/generate/catalogue.ts', import.meta.url))], { encoding: 'utf8' }))

const virtualId = 'virtual:monozu/build'
/** `import { modules, platform, settings } from 'virtual:monozu/build'`: this build's data, in memory (builds running side by side never share a file). */
const buildData = {
  name: 'monozu-build-data',
  resolveId: (id: string) => (id === virtualId ? '\0' + virtualId : undefined),
  load: (id: string) => (id === '\0' + virtualId ? `export const modules = ${JSON.stringify(modules)}\nexport const platform = ${JSON.stringify(platform)}\nexport const settings = ${JSON.stringify(settings)}\n` : undefined)
}

export default defineConfig({
  // Canonical, hreflang and sitemap URLs are absolute, so the site URL is part of every page.
  site: settings.siteUrl,
  output: 'static',
  // Every page is a folder with index.html; links always end in "/" so dev, preview and any
  // static host agree on one URL per page.
  trailingSlash: 'always',
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  vite: { plugins: [tailwindcss(), buildData] }
})
