import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'astro/config'
import starlight from '@astrojs/starlight'
import type { Manifest } from './src/generate/plugins.ts'

const generated = (name: string) => fileURLToPath(new URL(`./src/generated/${name}`, import.meta.url))
if (!existsSync(generated('plugins.json'))) {
  throw new Error('src/generated/plugins.json is missing: run `npm run generate` (npm run build and npm run dev do it first)')
}
const plugins = JSON.parse(readFileSync(generated('plugins.json'), 'utf8')) as Manifest[]

// Internal: served behind the company's sign-in, never indexed.
export default defineConfig({
  integrations: [
    starlight({
      title: 'Monozu Cloud internal',
      description: 'How Monozu Cloud is put together and operated: service map, runbooks, plugin reference.',
      head: [{ tag: 'meta', attrs: { name: 'robots', content: 'noindex, nofollow' } }],
      pagefind: true,
      // Our own src/pages/404.astro (see there).
      disable404Route: true,
      customCss: ['./src/styles/reference.css'],
      // Long lines wrap: a code block that scrolls sideways is a region the keyboard cannot reach.
      expressiveCode: { defaultProps: { wrap: true } },
      // Pagefind's UI loads when search is opened; the button passes axe (shared with the public docs).
      components: { Search: '../docs/src/components/Search.astro' },
      sidebar: [
        { label: 'Start here', link: '/' },
        { label: 'Service map', link: '/service-map/' },
        { label: 'Operator console', link: '/operator-console/' },
        { label: 'Management deployment', link: '/management/' },
        {
          label: 'Runbooks',
          items: [
            { label: 'Rotate JWT signing keys', link: '/runbooks/rotate-jwt-signing-keys/' },
            { label: 'Rotate internal tokens and webhook secrets', link: '/runbooks/rotate-internal-secrets/' },
            { label: 'Rotate or revoke a device key', link: '/runbooks/rotate-device-key/' },
            { label: 'Back up and restore the database', link: '/runbooks/backup-and-restore/' },
            { label: 'Scale out', link: '/runbooks/scale-out/' },
            { label: 'Deploy: images, compose, Kubernetes; chaos', link: '/runbooks/deploy/' },
            { label: 'Dead-lettered domain events', link: '/runbooks/dead-events/' },
            { label: 'Trust a partner\'s plugin', link: '/runbooks/plugin-trust/' },
            { label: 'Traces, metrics and logs', link: '/runbooks/observability/' }
          ]
        },
        { label: 'Operator and internal API', link: '/reference/internal-api/' },
        {
          label: 'Plugin reference',
          items: [
            { label: 'All plugins', link: '/reference/plugins/' },
            ...[...plugins].sort((a, b) => a.id.localeCompare(b.id)).map(p => ({ label: p.id, link: `/reference/plugins/${p.id}/` }))
          ]
        }
      ]
    })
  ]
})
