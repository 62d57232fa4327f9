import { existsSync, readdirSync, readFileSync } from 'node:fs'
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
const problems = JSON.parse(readFileSync(generated('problems.json'), 'utf8')) as Array<{ code: string }>
// The marketing website, linked from every page (WEBSITE_URL for a staging build).
const website = process.env.WEBSITE_URL || 'https://monozu.cloud/'

// https://docs.monozu.cloud is where the kernel's problem `type` URLs point (kernel/src/http/problem.ts).
// Polish at the root, like the website (Polish-first); English under /en/. Every user guide
// exists in both. The API reference and the problem types are English only and stay at the root
// (/reference/api/, /problems/<code>: the URLs every API error links to), under the Polish
// navigation with their content marked lang="en"; their /en/ URLs redirect there, so the
// language switch never leads nowhere.
const site = 'https://docs.monozu.cloud'

// Old URLs keep working: the Polish pages were under /pl/ until Polish became the root locale
// (an old English URL now opens the same page in Polish, one click from its English version).
const contentDir = fileURLToPath(new URL('./src/content/docs/', import.meta.url))
const polishRoutes = (readdirSync(contentDir, { recursive: true }) as string[])
  .filter(f => /\.mdx?$/.test(f) && !f.startsWith('en/') && !f.startsWith('en\\'))
  .map(f => f.replace(/\\/g, '/').replace(/\.mdx?$/, '').replace(/(^|\/)index$/, ''))
  .map(route => (route === '' ? '/' : `/${route}/`))
const redirects: Record<string, string> = {
  '/guides/operator-console/': '/self-hosting/',
  '/en/guides/operator-console/': '/en/self-hosting/',
  ...Object.fromEntries(polishRoutes.map(route => [`/pl${route}`, route])),
  '/en/reference/api/': '/reference/api/',
  ...Object.fromEntries(groupByTag(doc, plugins).map(g => [`/en/reference/api/${g.slug}/`, `/reference/api/${g.slug}/`])),
  '/en/problems/': '/problems/',
  ...Object.fromEntries(problems.map(p => [`/en/problems/${p.code}/`, `/problems/${p.code}/`]))
}

export default defineConfig({
  site,
  // Pages that moved keep working.
  redirects,
  integrations: [
    starlight({
      title: 'Monozu Cloud',
      description: 'Dokumentacja Monozu Cloud, platformy do zarządzania IT dla dostawców usług (MSP).',
      defaultLocale: 'root',
      locales: {
        root: { label: 'Polski', lang: 'pl' },
        en: { label: 'English', lang: 'en' }
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
          label: 'Pierwsze kroki',
          translations: { en: 'Getting started' },
          items: [
            { slug: 'getting-started' },
            { slug: 'getting-started/users-and-roles' },
            { slug: 'getting-started/licensed-modules' }
          ]
        },
        {
          label: 'Moduły',
          translations: { en: 'Modules' },
          items: [
            { slug: 'modules' },
            { slug: 'modules/overview' },
            { slug: 'modules/devices' },
            { slug: 'modules/cmdb' },
            { slug: 'modules/backup' },
            { slug: 'modules/itsm' },
            { slug: 'modules/security' },
            { slug: 'modules/vpn' },
            { slug: 'modules/roadmap' }
          ]
        },
        {
          label: 'Poradniki',
          translations: { en: 'Guides' },
          // Every page in guides/ appears here by itself, in both languages.
          items: [{ autogenerate: { directory: 'guides' } }]
        },
        {
          label: 'Własna instalacja i rozwój',
          translations: { en: 'Self-hosting and development' },
          items: [{ slug: 'self-hosting' }]
        },
        {
          label: 'Dokumentacja API',
          translations: { en: 'API reference' },
          // The reference is in English only, at the root: absolute URLs, as Starlight would put /en/ before a path.
          items: [
            { label: 'Konwencje', translations: { en: 'Conventions' }, link: `${site}/reference/api/` },
            ...groupByTag(doc, plugins).map(g => ({ label: g.label, link: `${site}/reference/api/${g.slug}/` })),
            { label: 'Typy błędów', translations: { en: 'Problem types' }, link: `${site}/problems/` }
          ]
        }
      ]
    })
  ]
})
