// /sitemap.xml: every page in both languages, each with its hreflang alternates. The page list is
// the one the pages are built from (localeParams and the module catalogue), so nothing is missed.
import type { APIRoute } from 'astro'
import { dictionaries, locales, localizePath } from '../i18n/index.ts'
import { modules } from '../data/modules.ts'

const pagePaths = ['/', ...modules.map(m => `/${m.id}/`), '/pricing/', '/contact/', '/privacy/', '/terms/', '/imprint/']

export const GET: APIRoute = ({ site }) => {
  const url = (path: string) => new URL(path, site).href
  const entries = pagePaths.flatMap(path => locales.map(locale => [
    '  <url>',
    `    <loc>${url(localizePath(locale, path))}</loc>`,
    ...locales.map(l => `    <xhtml:link rel="alternate" hreflang="${dictionaries[l].meta.lang}" href="${url(localizePath(l, path))}"/>`),
    '  </url>'
  ].join('\n')))
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' +
    entries.join('\n') + '\n</urlset>\n'
  return new Response(xml, { headers: { 'content-type': 'application/xml; charset=utf-8' } })
}
