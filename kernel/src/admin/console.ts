import { KERNEL_API_VERSION } from '../version.ts'

/** The shell mounts a module on /m/<id>; the console's id, container and served folder. */
export const CONSOLE_ID = 'admin'

/**
 * The operator console as an entry of `GET /api/v1/me/features`. It is the kernel's own module,
 * not a tenant plugin (no manifest, license or tenant toggle applies to it), so the kernel adds it
 * for operators when the admin API is mounted; the shell then loads it like any other module.
 */
export function operatorConsoleFeature (uiBase: string) {
  return {
    id: CONSOLE_ID,
    name: { en: 'Operator console', pl: 'Konsola operatora' },
    version: KERNEL_API_VERSION,
    permissions: [],
    ui: { remote: 'admin', remoteEntry: `${uiBase}/${CONSOLE_ID}/remoteEntry.js`, exposes: './Module' },
    nav: [
      { path: '/tenants', label: { en: 'Tenants', pl: 'Organizacje' }, icon: 'users' },
      { path: '/jobs', label: { en: 'Jobs', pl: 'Zadania' }, icon: 'list' },
      { path: '/audit', label: { en: 'Audit log', pl: 'Dziennik audytu' }, icon: 'shield' },
      { path: '/plugins', label: { en: 'Plugin health', pl: 'Stan wtyczek' }, icon: 'server' },
      { path: '/events', label: { en: 'Dead events', pl: 'Nieobsłużone zdarzenia' }, icon: 'backup' }
    ]
  }
}
