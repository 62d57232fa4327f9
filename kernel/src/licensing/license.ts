import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { JWK } from 'jose'
import { generateLicenseKeyPair, importPublicKeys, importSigningKey, LicenseError, publicKeySet, verifyLicense as verify, type KeySet, type License, type SignKey } from '@monozu/licensing'
import { readOrCreate } from '../data-dir.ts'
import { ApiError } from '../errors/errors.ts'

// The license format, signing and verification live in @monozu/licensing (shared with management).
export { issueLicense, signLicense, issuedAtOf, type License } from '@monozu/licensing'

export interface LicenseKeys {
  /** The management public keys by kid (several during a rotation). */
  verify: KeySet
  /** Only with the generated development key: lets the CLI and the demo seed issue licenses. */
  devSign: SignKey | null
}

/**
 * The management side's public key(s) from LICENSE_PUBLIC_KEY (PEM, JWK, JWKS or a JSON array of
 * JWKs); without it, a development key pair generated once into the data dir, whose private half
 * signs dev licenses.
 */
export async function loadLicenseKeys (publicKey: string | undefined, dataDir: string): Promise<LicenseKeys> {
  if (publicKey) return { verify: await importPublicKeys(publicKey), devSign: null }
  const file = join(dataDir, 'license-dev-key.json')
  const fresh = existsSync(file) ? '' : JSON.stringify(await generateLicenseKeyPair(), null, 2)
  const stored = JSON.parse(readOrCreate(file, () => fresh)) as { privateJwk: JWK, publicJwk: JWK }
  return { verify: await publicKeySet([stored.publicJwk]), devSign: (await importSigningKey(stored.privateJwk)).key }
}

/** Verifies a license JWS for `tenantId`; every refusal says why in a license_invalid error. */
export async function verifyLicense (token: string, keys: KeySet, tenantId: string, currentDate?: Date): Promise<License> {
  try {
    return await verify(token, keys, tenantId, currentDate ? { currentDate } : {})
  } catch (err) {
    if (err instanceof LicenseError) throw new ApiError('license_invalid', err.message)
    throw err
  }
}
