import type { Feature } from '@monozu/ui-sdk'

/**
 * Where a notification's link goes in the shell. Plugins link to their own pages as
 * `/<pluginId>/...` (e.g. `/devices/42`), which the shell mounts under `/m/`; a shell path
 * (`/m/...`, `/settings/...`) is kept. Anything that is not a same-origin path is not followed.
 */
export function notificationHref (link: string | null, features: Feature[]): string | null {
  if (!link || !/^\/(?!\/)/.test(link) || link.includes('\\')) return null
  if (link.startsWith('/m/') || link.startsWith('/settings/')) return link
  const id = link.split(/[/?#]/)[1]
  return features.some(f => f.id === id && f.ui) ? `/m${link}` : link
}
