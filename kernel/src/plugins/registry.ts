import type { PluginManifest } from './manifest.ts'
import type { DefinedPlugin, PluginContext } from './define.ts'

export type PluginState = 'running' | 'disabled'

export interface PluginRecord {
  manifest: PluginManifest
  dir: string
  thirdParty: boolean
  state: PluginState
  /** Why a plugin is disabled; shown in health without internals. */
  reason?: string
  /** The start-up error of a disabled plugin, for operators only (GET /api/v1/admin/plugins). */
  error?: string
  definition?: DefinedPlugin
  context?: PluginContext
  /** Services this plugin provided with ctx.provide, by service id. */
  provided: Map<string, { version: string, impl: unknown }>
}

/** What the kernel knows of its plugins after loading: state for health, permissions for roles. */
export class PluginRegistry {
  readonly records: PluginRecord[] = []

  running (): PluginRecord[] {
    return this.records.filter(r => r.state === 'running')
  }

  get (id: string): PluginRecord | undefined {
    return this.records.find(r => r.manifest.id === id)
  }

}
