import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'

export interface SigningKeys {
  kid: string
  privateKey: Awaited<ReturnType<typeof importJWK>> | Uint8Array
  /** Every public key still accepted (the newest signs), for /.well-known/jwks.json. */
  jwks: { keys: JWK[] }
}

interface StoredKey { kid: string, createdAt: string, privateJwk: JWK, publicJwk: JWK }

/**
 * ES256 signing keys in `<dataDir>/keys`, generated on first start. Rotation: add a newer key
 * file; the newest signs and older ones stay published until removed.
 */
export async function loadSigningKeys (dataDir: string): Promise<SigningKeys> {
  const dir = join(dataDir, 'keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const read = () => readdirSync(dir).filter(f => f.endsWith('.jwk.json')).sort()
    .map(f => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredKey)
  let stored = read()
  if (stored.length === 0) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const createdAt = new Date().toISOString()
    const kid = `k-${createdAt.slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`
    const key: StoredKey = { kid, createdAt, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) }
    const file = join(dir, `${createdAt.replace(/[:.]/g, '-')}.jwk.json`)
    if (!existsSync(file)) writeFileSync(file, JSON.stringify(key, null, 2), { mode: 0o600 })
    stored = read()
  }
  stored.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
  const newest = stored[stored.length - 1] as StoredKey
  return {
    kid: newest.kid,
    privateKey: await importJWK({ ...newest.privateJwk, alg: 'ES256' }, 'ES256'),
    jwks: { keys: stored.map(k => ({ ...k.publicJwk, kid: k.kid, alg: 'ES256', use: 'sig' })) }
  }
}
