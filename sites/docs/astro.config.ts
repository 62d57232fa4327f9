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

// https://docs.monozu.cloud is where the kernel's problem `type` URLs point (kernel/src/http/problem.ts).
export default defineConfig({
  site: 'https://docs.monozu.cloud',
  integrations: [
    starlight({
      title: 'Monozu Cloud',
      description: 'User documentation of Monozu Cloud, the IT-management platform for MSPs.',
      customCss: ['./src/styles/api.css'],
      sidebar: [
        {
          label: 'Getting started',
          items: [
            { label: 'Sign in and try it locally', link: '/getting-started/' },
            { label: 'Users and roles', link: '/getting-started/users-and-roles/' },
            { label: 'Licensed modules', link: '/getting-started/licensed-modules/' }
          ]
        },
        {
          label: 'Modules',
          items: [
            { label: 'Overview', link: '/modules/overview/' },
            { label: 'Devices', link: '/modules/devices/' },
            { label: 'CMDB', link: '/modules/cmdb/' },
            { label: 'Roadmap: ITSM, VPN, Backup, Security', link: '/modules/roadmap/' }
          ]
        },
        {
          label: 'Guides',
          items: [
            { label: 'Appliance enrollment and ingest', link: '/guides/appliance-enrollment-and-ingest/' },
            { label: 'Operator console', link: '/guides/operator-console/' },
            { label: 'Notifications', link: '/guides/notifications/' }
          ]
        },
        {
          label: 'API reference',
          items: [
            { label: 'Conventions', link: '/reference/api/' },
            ...groupByTag(doc, plugins).map(g => ({ label: g.label, link: `/reference/api/${g.slug}/` })),
            { label: 'Problem types', link: '/problems/' }
          ]
        }
      ]
    })
  ]
})
