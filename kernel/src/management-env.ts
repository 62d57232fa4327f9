import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { generateLicenseKeyPair } from '@monozu/licensing'
import { readOrCreate } from './data-dir.ts'

type Env = Record<string, string | undefined>

/**
 * `monozu start --profile management`: the same kernel as its own deployment. It gets its own
 * data dir (`MANAGEMENT_DATA_DIR`, default `DATA_DIR/management`), its own database
 * (`MANAGEMENT_DATABASE_URL`, default embedded PGlite there) and port (`MANAGEMENT_PORT`, 8080),
 * and none of the cloud's machine endpoints. The management plugin's configuration
 * (`PLUGIN_MANAGEMENT_CONFIG`, unless set) comes from CLOUD_URL, INTERNAL_TOKENS,
 * LICENSE_WEBHOOK_SECRET and LICENSE_SIGNING_KEY (generated into its data dir when unset).
 */
export async function managementEnv (env: Env): Promise<Env> {
  const dataDir = env.MANAGEMENT_DATA_DIR || join(env.DATA_DIR || '.monozu', 'management')
  let signingKey = env.LICENSE_SIGNING_KEY
  if (!signingKey) {
    const file = join(dataDir, 'license-signing-key.json')
    const fresh = existsSync(file) ? '' : JSON.stringify((await generateLicenseKeyPair()).privateJwk)
    signingKey = readOrCreate(file, () => fresh).trim()
  }
  const first = (list: string | undefined) => list?.split(/[\s,]+/).find(Boolean)
  const pluginConfig = env.PLUGIN_MANAGEMENT_CONFIG || JSON.stringify({
    cloudUrl: env.CLOUD_URL || 'http://127.0.0.1:8000',
    ...(first(env.INTERNAL_TOKENS) ? { internalToken: first(env.INTERNAL_TOKENS) } : {}),
    ...(first(env.LICENSE_WEBHOOK_SECRET) ? { webhookSecret: first(env.LICENSE_WEBHOOK_SECRET) } : {}),
    signingKey
  })
  return {
    ...env,
    DATA_DIR: dataDir,
    DATABASE_URL: env.MANAGEMENT_DATABASE_URL,
    DATABASE_APP_URL: env.MANAGEMENT_DATABASE_APP_URL,
    PORT: env.MANAGEMENT_PORT || '8080',
    INTERNAL_TOKENS: undefined,
    LICENSE_WEBHOOK_SECRET: undefined,
    LICENSE_PUBLIC_KEY: undefined,
    MANAGEMENT_URL: undefined,
    PLUGIN_MANAGEMENT_CONFIG: pluginConfig
  }
}
