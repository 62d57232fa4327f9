import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'

/**
 * Plugin signing keys are Ed25519, through node:crypto rather than jose: the kernel signs its own
 * canonical bytes (no JOSE header, so no algorithm to negotiate or confuse), a public key is 32
 * bytes and fits one environment variable as `ed25519:<base64url>`, and the partner's CLI needs no
 * dependency beyond Node.
 */
export const KEY_PREFIX = 'ed25519:'

/** `ed25519:<base64url of the 32 raw bytes>`: how a public key is written in PLUGINS_TRUSTED_KEYS and in signatures. */
export function encodePublicKey (key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' })
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an Ed25519 key')
  return KEY_PREFIX + jwk.x
}

export function decodePublicKey (text: string): KeyObject {
  const x = text.trim()
  if (!x.startsWith(KEY_PREFIX) || !/^[A-Za-z0-9_-]{43}$/.test(x.slice(KEY_PREFIX.length))) {
    throw new Error(`"${x.slice(0, 60)}" is not a public key of the form ed25519:<43 base64url characters>`)
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: x.slice(KEY_PREFIX.length) }, format: 'jwk' })
}

/** A private key from a PKCS#8 PEM file's text (as `monozu plugin keygen` or `openssl genpkey -algorithm ed25519` write it). */
export function readPrivateKey (pem: string): KeyObject {
  const key = createPrivateKey(pem)
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not Ed25519`)
  return key
}

export function generateSigningKey (): { privatePem: string, publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: encodePublicKey(publicKey) }
}
