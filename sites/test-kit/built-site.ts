// Checks over a built static site: which pages exist, and which internal links or assets do not
// resolve. Shared by the tests of the public docs and the internal docs; no HTML parser is needed
// for the attributes Astro writes. (The website's tests serve their build and keep their own,
// stricter resolver in sites/website/test/site.ts: a path without a trailing slash must name a file.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** Every HTML file of the build, by its URL path (`/a/b/` for a/b/index.html). */
export function builtPages (dist: string): Map<string, string> {
  const pages = new Map<string, string>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      else if (entry.name.endsWith('.html')) pages.set(urlOf(dist, file), file)
    }
  }
  walk(dist)
  return pages
}

function urlOf (dist: string, file: string): string {
  const rel = '/' + relative(dist, file).split(sep).join('/')
  return rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel
}

/** The file a URL path is served from, as a static host resolves it, or null. */
function fileFor (dist: string, pathname: string): string | null {
  const path = join(dist, decodeURIComponent(pathname))
  const candidates = pathname.endsWith('/') ? [join(path, 'index.html')] : [path, join(path, 'index.html'), `${path}.html`]
  return candidates.find(c => existsSync(c) && statSync(c).isFile()) ?? null
}

const ids = new Map<string, Set<string>>()
function idsOf (file: string): Set<string> {
  let found = ids.get(file)
  if (!found) {
    found = new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map(m => m[1] as string))
    ids.set(file, found)
  }
  return found
}

/**
 * Every href/src on every page that points into the site and does not resolve: a missing page or
 * asset, or a `#fragment` that names no element of the target page.
 */
export function brokenLinks (dist: string): string[] {
  const broken: string[] = []
  for (const [url, file] of builtPages(dist)) {
    const html = readFileSync(file, 'utf8')
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = (m[1] as string).replace(/&amp;/g, '&')
      if (/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(raw)) continue // another origin, mailto:, data:
      const target = new URL(raw, `http://site${url}`)
      const resolved = fileFor(dist, target.pathname)
      if (!resolved) { broken.push(`${url}: ${raw} (no such page or asset)`); continue }
      const fragment = decodeURIComponent(target.hash.slice(1))
      if (fragment && fragment !== '_top' && resolved.endsWith('.html') && !idsOf(resolved).has(fragment)) {
        broken.push(`${url}: ${raw} (no element with id "${fragment}")`)
      }
    }
  }
  return broken
}
