import { existsSync } from 'node:fs'
import { readOrCreate } from '../data-dir.ts'
import { join } from 'node:path'
import { errors, exportJWK, generateKeyPair, importJWK, importSPKI, jwtVerify, SignJWT, type JWK } from 'jose'
import { ApiError } from '../errors/errors.ts'

export interface License {
  tid: string
  features: string[]
  seats: number
  /** Expiry, seconds since the epoch. */
  exp: number
}

type VerifyKey = Parameters<typeof jwtVerify>[1]
type SignKey = Parameters<SignJWT['sign']>[0]

export interface LicenseKeys {
  verify: VerifyKey
  /** Only with the generated development key: lets the CLI and the demo seed issue licenses. */
  devSign: SignKey | null
}

const TYP = 'monozu-license+jwt'

/**
 * The management side's public key from LICENSE_PUBLIC_KEY (PEM or JWK); without it, a
 * development key pair generated once into the data dir, whose private half signs dev licenses.
 */
export async function loadLicenseKeys (publicKey: string | undefined, dataDir: string): Promise<LicenseKeys> {
  if (publicKey) {
    const verify = publicKey.trim().startsWith('{')
      ? await importJWK({ ...JSON.parse(publicKey), alg: 'ES256' } as JWK, 'ES256')
      : await importSPKI(publicKey, 'ES256')
    return { verify: verify as VerifyKey, devSign: null }
  }
  const file = join(dataDir, 'license-dev-key.json')
  const pair = existsSync(file) ? null : await generateKeyPair('ES256', { extractable: true })
  const fresh = pair ? JSON.stringify({ privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) }, null, 2) : ''
  const stored = JSON.parse(readOrCreate(file, () => fresh)) as { privateJwk: JWK, publicJwk: JWK }
  return {
    verify: await importJWK({ ...stored.publicJwk, alg: 'ES256' }, 'ES256') as VerifyKey,
    devSign: await importJWK({ ...stored.privateJwk, alg: 'ES256' }, 'ES256') as SignKey
  }
}

export async function issueLicense (key: SignKey, license: { tid: string, features: string[], seats: number, days: number }): Promise<string> {
  return new SignJWT({ tid: license.tid, features: [...new Set(license.features)].sort(), seats: license.seats })
    .setProtectedHeader({ alg: 'ES256', typ: TYP })
    .setIssuer('monozu-management')
    .setIssuedAt()
    .setExpirationTime(`${license.days}d`)
    .sign(key)
}

/** Verifies a license JWS for `tenantId`; every refusal says why in a license_invalid error. */
export async function verifyLicense (token: string, key: VerifyKey, tenantId: string): Promise<License> {
  let payload: Record<string, unknown>
  try {
    ({ payload } = await jwtVerify(token, key, { algorithms: ['ES256'], typ: TYP, requiredClaims: ['tid', 'exp'] }))
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ApiError('license_invalid', 'The license has expired')
    if (err instanceof errors.JWSSignatureVerificationFailed) throw new ApiError('license_invalid', 'The license is not signed by the management key')
    throw new ApiError('license_invalid', `The license cannot be read: ${(err as Error).message}`)
  }
  const { tid, features, seats, exp } = payload
  if (tid !== tenantId) throw new ApiError('license_invalid', 'The license was issued for another tenant')
  if (!Array.isArray(features) || !features.every(f => typeof f === 'string')) throw new ApiError('license_invalid', 'The license has no valid features list')
  if (!Number.isInteger(seats) || (seats as number) < 0) throw new ApiError('license_invalid', 'The license has no valid seat count')
  return { tid, features: features as string[], seats: seats as number, exp: exp as number }
}
