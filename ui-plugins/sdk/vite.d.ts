import type { UserConfig } from 'vite'

export interface UiModuleOptions {
  /** The plugin id (plugin.json `id`): the kernel serves the build at /ui/<id>/. */
  id: string
  /** The container name (plugin.json `ui.remote`): letters, digits and _ only. Default: the id. */
  remote?: string
  /** The file of the module's home-page widgets (e.g. `./src/Widgets.tsx`), exposed as `./Widgets`; plugin.json `ui.widgets` must name `./Widgets`. */
  widgets?: string
}

/** This SDK's version (package.json): modules require `^sdkVersion`, and the shell provides it. */
export const sdkVersion: string

/** The Vite config of a UI module: `export default uiModuleConfig({ id: 'my-plugin', remote: 'my_plugin' })`. */
export function uiModuleConfig (options: UiModuleOptions): UserConfig
