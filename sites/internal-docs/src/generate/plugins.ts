// Joins every shipped plugin.json with the kernel's OpenAPI document into what the plugin
// reference shows. Routes belong to a plugin when the loader tagged them with its id (it tags
// every plugin route unless the plugin names its own tags) or when they lie under its prefixes.
import type { PluginManifest } from '@monozu/kernel'

/** A shipped plugin.json as run.ts writes it: with its folder, and the profiles that run it (`runsIn`), its prefixes and configuration variable, as the kernel computes them. */
export type Manifest = PluginManifest & { dir: string, runsIn: string[], prefixes: string[], configVariable: string }

interface Operation { summary?: string, tags?: string[] }
export interface OpenApiDocument { paths: Record<string, Record<string, Operation>> }

export interface Route { method: string, path: string, summary: string }
export interface ConfigRow { name: string, type: string, default: string, notes: string }
export interface PluginView {
  manifest: Manifest
  prefixes: string[]
  routes: Route[]
  usedBy: string[]
  profiles: string[]
  configVariable: string
  configRows: ConfigRow[]
}

const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace']

/** OpenAPI writes `:id` as `{id}`; a route is under a prefix when it is the prefix or below it. */
const under = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + '/')

export function routesOf (m: Manifest, doc: OpenApiDocument): Route[] {
  const routes: Route[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!methods.includes(method)) continue
      if (op.tags?.includes(m.id) || m.prefixes.some(p => under(path, p))) routes.push({ method: method.toUpperCase(), path, summary: op.summary ?? '' })
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || methods.indexOf(a.method.toLowerCase()) - methods.indexOf(b.method.toLowerCase()))
}

export function configRows (schema: Record<string, unknown> | undefined): ConfigRow[] {
  const properties = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>
  return Object.entries(properties).map(([name, s]) => {
    const range = [s.minimum, s.maximum].some(v => v !== undefined) ? `${s.minimum ?? ''}-${s.maximum ?? ''}` : ''
    return {
      name,
      type: Array.isArray(s.type) ? s.type.join(' | ') : String(s.type ?? (s.enum ? (s.enum as unknown[]).map(v => JSON.stringify(v)).join(' | ') : 'any')),
      default: s.default === undefined ? '' : JSON.stringify(s.default),
      notes: [s.description, range && `range ${range}`].filter(Boolean).join('; ')
    }
  })
}

export function pluginViews (manifests: Manifest[], doc: OpenApiDocument): PluginView[] {
  return [...manifests].sort((a, b) => a.id.localeCompare(b.id)).map(m => ({
    manifest: m,
    prefixes: m.prefixes,
    routes: routesOf(m, doc),
    usedBy: manifests.filter(x => m.id in (x.dependencies ?? {})).map(x => x.id).sort(),
    profiles: m.runsIn,
    configVariable: m.configVariable,
    configRows: configRows(m.config)
  }))
}
