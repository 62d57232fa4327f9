import { StartupError } from '../../errors/errors.ts'
import { ajv, type PluginManifest } from '../manifest.ts'

export const configVariable = (id: string) => `PLUGIN_${id.toUpperCase().replace(/-/g, '_')}_CONFIG`

/** Stage 4, initialise, step config: PLUGIN_<ID>_CONFIG (or the host's value) validated against plugin.json `config`, defaults applied. */
export function pluginConfig (m: PluginManifest, env: Record<string, string | undefined>, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const variable = configVariable(m.id)
  let config = given?.[m.id] ?? {}
  const raw = env[variable]
  if (raw) {
    try { config = JSON.parse(raw) } catch { throw new StartupError('config_invalid', `${variable} is not valid JSON`, { pluginId: m.id }) }
  }
  if (!m.config) return config as Record<string, unknown>
  const validate = ajv.compile(m.config)
  const copy = structuredClone(config)
  if (!validate(copy)) {
    const why = (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message} (rule: ${e.keyword})`).join('; ')
    throw new StartupError('config_invalid', `plugin "${m.id}" configuration (${variable}): ${why}`, { pluginId: m.id })
  }
  return copy as Record<string, unknown>
}
