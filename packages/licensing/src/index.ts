/**
 * @monozu/licensing: the license format shared by the cloud (verify) and management (sign).
 *
 * A license is a compact JWS (ES256, `typ: monozu-license+jwt`) whose payload is
 * {@link LicenseClaims}. The protected header names the signing key's `kid`, so the cloud can
 * hold several management public keys at once (rotation: add the new key, switch signing,
 * drop the old key once every tenant holds a license signed by the new one).
 */
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, errors, exportJWK, generateKeyPair, importJWK, importSPKI, jwtVerify, SignJWT, type JWK } from 'jose'

export const LICENSE_TYP = 'monozu-license+jwt'
export const LICENSE_ISSUER = 'monozu-management'

/** What a verified license grants a tenant. */
export interface License {
  tid: string
  features: string[]
  seats: number
  /** Device limit; absent = unlimited. */
  devices?: number
  /** The plan the license was issued from (informational). */
  plan?: string
  /** The license id given by management (informational, for support). */
  lid?: string
  /** Issue time in milliseconds since the epoch: the newer license wins (deliveries may arrive out of order). */
  issuedAtMs: number
  /** Expiry, seconds since the epoch. */
  exp: number
}

/** What management signs. */
export interface LicenseInput {
  tid: string
  features: string[]
  seats: number
  devices?: number
  plan?: string
  lid?: string
  /** Validity in days from now; or `expiresAt` (ms since the epoch). */
  days?: number
  expiresAt?: number
  /** Defaults to now; management passes its own clock so the order is its order. */
  issuedAtMs?: number
}

type VerifyKey = Parameters<typeof jwtVerify>[1]
export type SignKey = Parameters<SignJWT['sign']>[0]

/** Public keys by `kid`; a license is checked against the key its header names. */
export interface KeySet { keys: Array<{ kid: string, key: VerifyKey }> }

/** A signing key with the `kid` every license it signs names. */
export interface SigningKey { kid: string, key: SignKey }

/** Why a license was refused; `reason` is stable, `message` is for people. */
export class LicenseError extends Error {
  readonly reason: 'expired' | 'bad_signature' | 'unreadable' | 'wrong_tenant' | 'invalid_claims'
  constructor (reason: LicenseError['reason'], message: string) {
    super(message)
    this.name = 'LicenseError'
    this.reason = reason
  }
}

/** The kid of a public JWK: its RFC 7638 thumbprint unless it carries its own. */
export async function kidOf (jwk: JWK): Promise<string> {
  return jwk.kid ?? await calculateJwkThumbprint(jwk)
}

/** A fresh ES256 key pair as JWKs carrying their kid (management keeps the private one). */
export async function generateLicenseKeyPair (): Promise<{ privateJwk: JWK, publicJwk: JWK }> {
  const pair = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = await exportJWK(pair.publicKey)
  const kid = await calculateJwkThumbprint(publicJwk)
  return { privateJwk: { ...await exportJWK(pair.privateKey), kid, alg: 'ES256' }, publicJwk: { ...publicJwk, kid, alg: 'ES256' } }
}

/** The private JWK (with its kid) as a signing key. */
export async function importSigningKey (privateJwk: JWK): Promise<SigningKey> {
  const { d: _d, ...publicPart } = privateJwk
  return { kid: await kidOf(publicPart), key: await importJWK({ ...privateJwk, alg: 'ES256' }, 'ES256') as SignKey }
}

/**
 * Public keys from configuration text: a PEM (SPKI), one JWK, a JWKS (`{"keys":[...]}`) or a
 * JSON array of JWKs. Several keys at once are how rotation works.
 */
export async function importPublicKeys (text: string): Promise<KeySet> {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    // One or more PEM blocks.
    const blocks = trimmed.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? [trimmed]
    const keys = []
    for (const pem of blocks) {
      const key = await importSPKI(pem, 'ES256', { extractable: true })
      keys.push({ kid: await kidOf(await exportJWK(key)), key: key as VerifyKey })
    }
    return { keys }
  }
  const parsed = JSON.parse(trimmed) as JWK | JWK[] | { keys: JWK[] }
  const jwks: JWK[] = Array.isArray(parsed) ? parsed : 'keys' in parsed && Array.isArray(parsed.keys) ? parsed.keys : [parsed as JWK]
  return publicKeySet(jwks)
}

export async function publicKeySet (jwks: JWK[]): Promise<KeySet> {
  const keys = []
  for (const jwk of jwks) {
    const { d: _d, ...pub } = jwk
    keys.push({ kid: await kidOf(pub), key: await importJWK({ ...pub, alg: 'ES256' }, 'ES256') as VerifyKey })
  }
  return { keys }
}

/** Signs a license (management only: the cloud never holds a private key outside development). */
export async function signLicense (signing: SigningKey | SignKey, input: LicenseInput): Promise<string> {
  const { kid, key } = 'kid' in signing && 'key' in signing ? signing : { kid: undefined, key: signing }
  const issuedAtMs = input.issuedAtMs ?? Date.now()
  const exp = input.expiresAt !== undefined ? Math.floor(input.expiresAt / 1000) : Math.floor(issuedAtMs / 1000) + (input.days ?? 365) * 86_400
  const claims: Record<string, unknown> = { tid: input.tid, features: [...new Set(input.features)].sort(), seats: input.seats, iat_ms: issuedAtMs }
  if (input.devices !== undefined) claims.devices = input.devices
  if (input.plan !== undefined) claims.plan = input.plan
  if (input.lid !== undefined) claims.lid = input.lid
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: LICENSE_TYP, ...(kid ? { kid } : {}) })
    .setIssuer(LICENSE_ISSUER)
    .setIssuedAt(Math.floor(issuedAtMs / 1000))
    .setExpirationTime(exp)
    .sign(key)
}

/** The same as signLicense with `days`: the kernel CLI's historical name. */
export const issueLicense = (key: SigningKey | SignKey, license: { tid: string, features: string[], seats: number, days: number }) => signLicense(key, license)

/**
 * Verifies a license for `tenantId` against a key set: the key named by the header's `kid`, or
 * (a license without a kid, from before rotation) each key in turn. Throws LicenseError.
 */
export async function verifyLicense (token: string, keys: KeySet | VerifyKey, tenantId: string, options: { currentDate?: Date } = {}): Promise<License> {
  const set: KeySet = 'keys' in (keys as object) && Array.isArray((keys as KeySet).keys) ? keys as KeySet : { keys: [{ kid: '', key: keys as VerifyKey }] }
  let kid: string | undefined
  try { kid = decodeProtectedHeader(token).kid } catch (err) { throw new LicenseError('unreadable', `The license cannot be read: ${(err as Error).message}`) }
  const candidates = kid ? set.keys.filter(k => k.kid === kid || k.kid === '') : set.keys
  if (candidates.length === 0) throw new LicenseError('bad_signature', 'The license is not signed by the management key')
  let payload: Record<string, unknown> | undefined
  let last: unknown
  for (const candidate of candidates) {
    try {
      ({ payload } = await jwtVerify(token, candidate.key, { algorithms: ['ES256'], typ: LICENSE_TYP, requiredClaims: ['tid', 'exp'], ...(options.currentDate ? { currentDate: options.currentDate } : {}) }))
      break
    } catch (err) {
      last = err
      if (!(err instanceof errors.JWSSignatureVerificationFailed)) break
    }
  }
  if (!payload) {
    if (last instanceof errors.JWTExpired) throw new LicenseError('expired', 'The license has expired')
    if (last instanceof errors.JWSSignatureVerificationFailed) throw new LicenseError('bad_signature', 'The license is not signed by the management key')
    throw new LicenseError('unreadable', `The license cannot be read: ${(last as Error).message}`)
  }
  return claimsOf(payload, tenantId)
}

function claimsOf (payload: Record<string, unknown>, tenantId: string): License {
  const { tid, features, seats, exp, devices, plan, lid, iat, iat_ms: iatMs } = payload
  if (tid !== tenantId) throw new LicenseError('wrong_tenant', 'The license was issued for another tenant')
  if (!Array.isArray(features) || !features.every(f => typeof f === 'string')) throw new LicenseError('invalid_claims', 'The license has no valid features list')
  if (!Number.isInteger(seats) || (seats as number) < 0) throw new LicenseError('invalid_claims', 'The license has no valid seat count')
  if (devices !== undefined && (!Number.isInteger(devices) || (devices as number) < 0)) throw new LicenseError('invalid_claims', 'The license has no valid device limit')
  const issuedAtMs = typeof iatMs === 'number' ? iatMs : typeof iat === 'number' ? iat * 1000 : 0
  return {
    tid, features: features as string[], seats: seats as number, exp: exp as number, issuedAtMs,
    ...(devices !== undefined ? { devices: devices as number } : {}),
    ...(typeof plan === 'string' ? { plan } : {}),
    ...(typeof lid === 'string' ? { lid } : {})
  }
}

/** The issue time of a license without verifying it (to order an already-verified stored one). */
export function issuedAtOf (token: string): number {
  try {
    const p = decodeJwt(token) as Record<string, unknown>
    return typeof p.iat_ms === 'number' ? p.iat_ms : typeof p.iat === 'number' ? p.iat * 1000 : 0
  } catch { return 0 }
}
