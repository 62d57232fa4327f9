import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'astro/config'
import starlight from '@astrojs/starlight'
import { groupByTag, type OpenApiDocument, type PluginLabel } from './src/generate/api.ts'

const generated = (name: string) => fileURLToPath(new URL(`./src/generated/${name}`, import.meta.url))
if (!existsSync(generated('openapi.json'))) {
  throw new Error('src/generated/openapi.json is missing: run `npm run generate` (npm run build and npm run dev do it first)')
}
const doc = JSON.parse(readFileSync(generated('openapi.json'), 'utf8')) as OpenApiDocument
const plugins = JSON.parse(readFileSync(generated('plugins.json'), 'utf8')) as PluginLabel[]
// The marketing website, linked from every page (WEBSITE_URL for a staging build).
const website = process.env.WEBSITE_URL || 'https://monozu.cloud/'

// https://docs.monozu.cloud is where the kernel's problem `type` URLs point (kernel/src/http/problem.ts).
// English at the root (its paths are what the API's problem URLs and other pages link to),
// Polish under /pl/; a page not yet translated shows the English text with a notice.
const site = 'https://docs.monozu.cloud'

export default defineConfig({
  site,
  // Pages that moved keep working.
  redirects: { '/guides/operator-console/': '/self-hosting/' },
  integrations: [
    starlight({
      title: 'Monozu Cloud',
      description: 'User documentation of Monozu Cloud, the IT-management platform for MSPs.',
      defaultLocale: 'root',
      locales: {
        root: { label: 'English', lang: 'en' },
        pl: { label: 'Polski', lang: 'pl' }
      },
      // Our own src/pages/404.astro (see there).
      disable404Route: true,
      customCss: ['./src/styles/api.css'],
      // Long lines wrap: a code block that scrolls sideways is a region the keyboard cannot reach.
      expressiveCode: { defaultProps: { wrap: true } },
      components: { Search: './src/components/Search.astro', SocialIcons: './src/components/WebsiteLink.astro' },
      head: [{ tag: 'meta', attrs: { name: 'monozu:website', content: website } }],
      sidebar: [
        {
          label: 'Getting started',
          translations: { pl: 'Pierwsze kroki' },
          items: [
            { slug: 'getting-started' },
            { slug: 'getting-started/users-and-roles' },
            { slug: 'getting-started/licensed-modules' }
          ]
        },
        {
          label: 'Modules',
          translations: { pl: 'Moduły' },
          items: [
            { slug: 'modules' },
            { slug: 'modules/overview' },
            { slug: 'modules/devices' },
            { slug: 'modules/cmdb' },
            { slug: 'modules/roadmap' }
          ]
        },
        {
          label: 'Guides',
          translations: { pl: 'Poradniki' },
          // Every page in guides/ appears here by itself, in both languages.
          items: [{ autogenerate: { directory: 'guides' } }]
        },
        {
          label: 'Self-hosting and development',
          translations: { pl: 'Własna instalacja i rozwój' },
          items: [{ slug: 'self-hosting' }]
        },
        {
          label: 'API reference',
          translations: { pl: 'Dokumentacja API' },
          // The reference is in English only: absolute URLs, as Starlight would put /pl/ before a path.
          items: [
            { label: 'Conventions', translations: { pl: 'Konwencje' }, link: `${site}/reference/api/` },
            ...groupByTag(doc, plugins).map(g => ({ label: g.label, link: `${site}/reference/api/${g.slug}/` })),
            { label: 'Problem types', translations: { pl: 'Typy błędów' }, link: `${site}/problems/` }
          ]
        }
      ]
    })
  ]
})
