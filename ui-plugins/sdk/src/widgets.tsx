import type { ComponentType } from 'react'
import type { Feature, Localized } from './types.ts'

/** What the shell hands every widget. */
export interface WidgetProps {
  /** Where the widget's module is mounted (e.g. `/m/devices`): link from the widget into it. */
  basePath: string
}

/** One summary card a module contributes to the tenant's home page. */
export interface Widget {
  /** Unique within the module, e.g. `status`; the card's test id is `widget-<pluginId>-<id>`. */
  id: string
  /** The card's heading. */
  title: Localized
  /** Shown only to users holding this permission (one of the module's, as /me/features lists them). */
  permission?: string
  /** Fetches its own data (useApiData) and renders the card's body. */
  component: ComponentType<WidgetProps>
}

/**
 * The default export of a module's `./Widgets` expose (plugin.json `ui.widgets`). Checks the
 * shape at once, so a mistake shows in the module's own build and tests, not on a customer's page.
 */
export function defineWidgets (widgets: Widget[]): Widget[] {
  for (const w of widgets) {
    if (!/^[a-z][a-z0-9-]*$/.test(w.id)) throw new TypeError(`defineWidgets: id "${w.id}" must be lowercase letters, digits and -`)
    if (!w.title?.en || !w.title?.pl) throw new TypeError(`defineWidgets: widget "${w.id}" needs title.en and title.pl`)
    if (typeof w.component !== 'function' && typeof w.component !== 'object') throw new TypeError(`defineWidgets: widget "${w.id}" needs a component`)
  }
  return widgets
}

/**
 * How the SDK reaches other modules' code: the shell provides it (it owns the federation
 * runtime and knows where modules are mounted), so the SDK stays free of the runtime.
 */
export interface ModuleLoader {
  /** Loads `exposes` (e.g. `./Widgets`) from the feature's remote. */
  load (feature: Feature, exposes: string): Promise<unknown>
  /** Where the shell mounts the feature's module. */
  basePath (feature: Feature): string
}
