import { loadRemote, registerRemotes } from '@module-federation/runtime'
import { ApiError, type Feature, type ModuleLoader, type ModuleProps } from '@monozu/ui-sdk'
import type { ComponentType } from 'react'

export type UiFeature = Feature & { ui: NonNullable<Feature['ui']> }

export const hasUi = (f: Feature): f is UiFeature => f.ui !== null && typeof f.ui?.remoteEntry === 'string'

/** Where a module is mounted: `/m/<pluginId>`. */
export const moduleBase = (id: string) => `/m/${id}`

/**
 * A nav path from plugin.json as a shell URL. `/overview` (the plugin's own id first) becomes
 * `/m/overview`; any other path is taken as relative to the module: `/tickets` → `/m/<id>/tickets`.
 */
export function navHref (id: string, path: string): string {
  const clean = '/' + path.replace(/^\/+/, '')
  if (clean === `/${id}` || clean.startsWith(`/${id}/`)) return `/m${clean}`
  return clean === '/' ? moduleBase(id) : `${moduleBase(id)}${clean}`
}

const registered = new Map<string, string>()

/** Registers only the remotes the features list names (by their container name), once each. */
export function registerFeatureRemotes (features: Feature[]): void {
  const fresh = features.filter(hasUi).filter(f => registered.get(f.ui.remote) !== f.ui.remoteEntry)
  if (fresh.length === 0) return
  registerRemotes(fresh.map(f => ({ name: f.ui.remote, entry: f.ui.remoteEntry, type: 'module' })), { force: fresh.some(f => registered.has(f.ui.remote)) })
  for (const f of fresh) registered.set(f.ui.remote, f.ui.remoteEntry)
}

const LOAD_TIMEOUT_MS = 20_000

/** Loads one expose of a module's remote (`./Module`, `./Widgets`); rejects with a clear message. */
async function loadExposed (feature: UiFeature, exposes: string): Promise<{ default?: unknown } | null> {
  const id = `${feature.ui.remote}/${exposes.replace(/^\.\//, '')}`
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${id} did not load within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS) })
  try {
    return await Promise.race([loadRemote<{ default?: unknown }>(id), timeout])
  } catch (err) {
    console.error(`Module ${feature.id}: loading ${id} from ${feature.ui.remoteEntry} failed`, err)
    throw new ApiError({ status: 0, code: 'module_load_failed', title: 'Module not loaded', detail: feature.ui.remoteEntry })
  } finally {
    clearTimeout(timer)
  }
}

/** The SDK's way to other modules' exposes (ModuleWidgets): only remotes of the user's features. */
export const moduleLoader: ModuleLoader = {
  load: (feature, exposes) => hasUi(feature) ? loadExposed(feature, exposes) : Promise.reject(new Error(`${feature.id} has no UI`)),
  basePath: feature => moduleBase(feature.id)
}

/** Loads a module's exposed component (`<remote>/Module`); rejects with a clear message. */
export async function loadModule (feature: UiFeature): Promise<{ default: ComponentType<ModuleProps> }> {
  const id = `${feature.ui.remote}/${feature.ui.exposes.replace(/^\.\//, '')}`
  const component = (await loadExposed(feature, feature.ui.exposes))?.default
  if (typeof component !== 'function' && (typeof component !== 'object' || component === null)) {
    throw new ApiError({ status: 0, code: 'module_invalid', title: 'Module not usable', detail: `${id} has no default export (a component receiving { basePath })` })
  }
  return { default: component as ComponentType<ModuleProps> }
}
