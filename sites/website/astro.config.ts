import { defineConfig } from 'astro/config'
import tailwindcss from '@tailwindcss/vite'

// Canonical and hreflang URLs are absolute, so the site URL is part of every page.
const site = process.env.SITE_URL || 'https://monozu.cloud'

export default defineConfig({
  site,
  output: 'static',
  // Every page is a folder with index.html; links always end in "/" so dev, preview and any
  // static host agree on one URL per page.
  trailingSlash: 'always',
  build: { format: 'directory' },
  devToolbar: { enabled: false },
  vite: { plugins: [tailwindcss()] }
})
