import { StartupError } from '../errors/errors.ts'
import type { PluginManifest } from '../plugins/manifest.ts'
import { NOTIFICATIONS_CHANNEL } from './service.ts'

/**
 * Notification types are `<pluginId>.<name>` of the declaring plugin (so two plugins never share
 * one, and preferences name a type unambiguously), each declared once; and no plugin may declare
 * a channel with the id of the kernel's `notifications` channel.
 */
export function checkNotifications (manifests: PluginManifest[]): void {
  for (const m of manifests) {
    const seen = new Set<string>()
    for (const n of m.notifications ?? []) {
      if (!n.type.startsWith(`${m.id}.`)) throw new StartupError('manifest_invalid', `plugin "${m.id}": /notifications type "${n.type}" must start with "${m.id}." (rule: a plugin declares only its own notification types)`, { pluginId: m.id })
      if (seen.has(n.type)) throw new StartupError('manifest_invalid', `plugin "${m.id}": /notifications type "${n.type}" is declared twice`, { pluginId: m.id })
      seen.add(n.type)
    }
    if ((m.channels ?? []).some(c => c.id === NOTIFICATIONS_CHANNEL)) {
      throw new StartupError('manifest_invalid', `plugin "${m.id}": /channels "${NOTIFICATIONS_CHANNEL}" is the kernel's channel (rule: plugins may not declare a kernel channel)`, { pluginId: m.id })
    }
  }
}
