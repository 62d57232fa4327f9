import type { FastifyBaseLogger } from 'fastify'
import { StartupError } from '../../errors/errors.ts'
import type { Dialect } from '../../db/dialects/sql.ts'
import type { PluginRecord } from '../registry.ts'
import { SIGNATURE_FILE, verifyPlugin } from '../trust/signature.ts'

/** PLUGINS_TRUSTED_KEYS and PLUGINS_ALLOW_UNSIGNED, as the loader applies them to third-party plugins. */
export interface TrustPolicy {
  trustedKeys: readonly string[]
  allowUnsigned: boolean
}

/**
 * Said once at start-up when unsigned plugins may load. On PGlite it names the hole: one superuser
 * connection, so `RESET ROLE` inside withTenant drops the app role and every tenant's rows show.
 */
export function warnAllowUnsigned (log: FastifyBaseLogger, dialect: Dialect): void {
  const base = 'PLUGINS_ALLOW_UNSIGNED=true: third-party plugins that are unsigned or signed by a key not in PLUGINS_TRUSTED_KEYS load, and their code runs in this process unverified'
  if (dialect === 'pglite') {
    log.warn({ setting: 'PLUGINS_ALLOW_UNSIGNED', dialect }, `${base}. RISK on the embedded PGlite database: such a plugin's raw SQL can leave its tenant (RESET ROLE inside withTenant makes every tenant's rows visible), because PGlite has one superuser connection. Load only plugins you wrote or reviewed, or run on PostgreSQL, where the runtime role refuses it`)
  } else {
    log.warn({ setting: 'PLUGINS_ALLOW_UNSIGNED', dialect }, `${base}. Row-level security still binds their SQL on ${dialect}`)
  }
}

/**
 * Stage 4a, trust: before any of a third-party plugin's code or migrations runs, its folder must
 * match a signature by a trusted key. A mismatch is never allowed (it names each file); unsigned
 * and untrusted plugins load only under PLUGINS_ALLOW_UNSIGNED. First-party plugins (this tree's
 * workspaces) are trusted as they are: they ship with the kernel that loads them.
 */
export function checkTrust (record: PluginRecord, origin: 'repo' | 'external', policy: TrustPolicy, log: FastifyBaseLogger): void {
  if (origin === 'repo') return
  const id = record.manifest.id
  const verdict = verifyPlugin(record.dir, policy.trustedKeys)
  if (verdict.status === 'trusted') {
    log.info({ plugin: id, key: verdict.key }, 'third-party plugin signature verified')
    return
  }
  if (verdict.status === 'tampered') {
    throw new StartupError('plugin_tampered', `plugin "${id}" in ${record.dir} does not match its signature: ${verdict.problems.slice(0, 10).join('; ')}${verdict.problems.length > 10 ? `; and ${verdict.problems.length - 10} more` : ''}. Reinstall it from its publisher (or, if you changed it on purpose, sign it again with monozu plugin sign)`, { pluginId: id })
  }
  const why = verdict.status === 'unsigned'
    ? `plugin "${id}" in ${record.dir} is not signed (no ${SIGNATURE_FILE})`
    : `plugin "${id}" in ${record.dir} is signed by ${verdict.key}, which is not in PLUGINS_TRUSTED_KEYS`
  if (policy.allowUnsigned) {
    log.warn({ plugin: id, trust: verdict.status }, `${why}; it loads because PLUGINS_ALLOW_UNSIGNED=true`)
    return
  }
  throw new StartupError(verdict.status === 'unsigned' ? 'plugin_unsigned' : 'plugin_untrusted', `${why}. Add the publisher's public key to PLUGINS_TRUSTED_KEYS, or set PLUGINS_ALLOW_UNSIGNED=true to load it anyway (see its start-up warning)`, { pluginId: id })
}
