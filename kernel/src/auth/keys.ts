import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { readOrCreate } from '../data-dir.ts'
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
 * ES256 signing keys in `<dataDir>/keys`, generated on first start. Rotation: add a key file
 * with a later `createdAt`; the newest signs and older ones stay published until removed.
 */
export async function loadSigningKeys (dataDir: string): Promise<SigningKeys> {
  const dir = join(dataDir, 'keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const read = () => readdirSync(dir).filter(f => f.endsWith('.jwk.json')).sort()
    .map(f => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StoredKey)
  let stored = read()
  if (stored.length === 0) {
    // The first key has a fixed name: instances starting together on a shared data dir agree on it.
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const createdAt = new Date().toISOString()
    const kid = `k-${createdAt.slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`
    const key: StoredKey = { kid, createdAt, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) }
    readOrCreate(join(dir, '0000-initial.jwk.json'), () => JSON.stringify(key, null, 2))
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
