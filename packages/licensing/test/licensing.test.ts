import t from 'tap'
import { generateKeyPair, SignJWT, exportJWK } from 'jose'
import { generateLicenseKeyPair, importPublicKeys, importSigningKey, issuedAtOf, LicenseError, signLicense, verifyLicense } from '../src/index.ts'

const refused = (reason: string, message?: string) => ({ reason, ...(message ? { message } : {}) }) as unknown as Error
const tid = '6f1c1a52-4a3e-4c39-9d8e-1b1a3b1f0c11'

t.test('sign and verify round trip with kid, devices, plan and a millisecond issue time', async t => {
  const pair = await generateLicenseKeyPair()
  t.ok(pair.publicJwk.kid, 'the key pair carries its kid')
  const signing = await importSigningKey(pair.privateJwk)
  const keys = await importPublicKeys(JSON.stringify(pair.publicJwk))
  const token = await signLicense(signing, { tid, features: ['itsm', 'cmdb', 'cmdb'], seats: 5, devices: 50, plan: 'pro', lid: 'L1', days: 30, issuedAtMs: 1_765_000_000_123 })
  const license = await verifyLicense(token, keys, tid, { currentDate: new Date(1_765_000_100_000) })
  t.same(license, { tid, features: ['cmdb', 'itsm'], seats: 5, devices: 50, plan: 'pro', lid: 'L1', issuedAtMs: 1_765_000_000_123, exp: 1_765_000_000 + 30 * 86_400 })
  t.equal(issuedAtOf(token), 1_765_000_000_123)
  t.equal(issuedAtOf('garbage'), 0)
})

t.test('rotation: a JWKS with the old and the new key accepts both; a dropped key is refused', async t => {
  const oldPair = await generateLicenseKeyPair()
  const newPair = await generateLicenseKeyPair()
  const both = await importPublicKeys(JSON.stringify({ keys: [oldPair.publicJwk, newPair.publicJwk] }))
  const onlyNew = await importPublicKeys(JSON.stringify([newPair.publicJwk]))
  const byOld = await signLicense(await importSigningKey(oldPair.privateJwk), { tid, features: [], seats: 1 })
  const byNew = await signLicense(await importSigningKey(newPair.privateJwk), { tid, features: [], seats: 1 })
  t.equal((await verifyLicense(byOld, both, tid)).tid, tid)
  t.equal((await verifyLicense(byNew, both, tid)).tid, tid)
  t.equal((await verifyLicense(byNew, onlyNew, tid)).tid, tid)
  await t.rejects(verifyLicense(byOld, onlyNew, tid), refused('bad_signature', 'The license is not signed by the management key'))
})

t.test('refusals: forged, unsigned, expired, other tenant, bad claims', async t => {
  const pair = await generateLicenseKeyPair()
  const keys = await importPublicKeys(JSON.stringify(pair.publicJwk))
  const signing = await importSigningKey(pair.privateJwk)
  const stranger = await generateKeyPair('ES256')
  // A forger copying the real kid still fails the signature.
  const forged = await new SignJWT({ tid, features: ['all'], seats: 9999 }).setProtectedHeader({ alg: 'ES256', typ: 'monozu-license+jwt', kid: pair.publicJwk.kid! }).setIssuedAt().setExpirationTime('1d').sign(stranger.privateKey)
  await t.rejects(verifyLicense(forged, keys, tid), refused('bad_signature'))
  const noKid = await new SignJWT({ tid, features: [], seats: 1 }).setProtectedHeader({ alg: 'ES256', typ: 'monozu-license+jwt' }).setIssuedAt().setExpirationTime('1d').sign(stranger.privateKey)
  await t.rejects(verifyLicense(noKid, keys, tid), refused('bad_signature'))
  const [h, p] = (await signLicense(signing, { tid, features: [], seats: 1 })).split('.')
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'monozu-license+jwt', kid: pair.publicJwk.kid })).toString('base64url')}.${p}.`
  await t.rejects(verifyLicense(none, keys, tid), LicenseError, 'alg none is refused')
  t.ok(h)
  await t.rejects(verifyLicense('not-a-jwt', keys, tid), refused('unreadable'))
  const expired = await signLicense(signing, { tid, features: [], seats: 1, expiresAt: Date.now() - 60_000, issuedAtMs: Date.now() - 120_000 })
  await t.rejects(verifyLicense(expired, keys, tid), refused('expired', 'The license has expired'))
  const other = await signLicense(signing, { tid: '00000000-0000-4000-8000-000000000000', features: [], seats: 1 })
  await t.rejects(verifyLicense(other, keys, tid), refused('wrong_tenant'))
  const badSeats = await new SignJWT({ tid, features: [], seats: -1 }).setProtectedHeader({ alg: 'ES256', typ: 'monozu-license+jwt', kid: pair.publicJwk.kid! }).setIssuedAt().setExpirationTime('1d').sign(signing.key)
  await t.rejects(verifyLicense(badSeats, keys, tid), refused('invalid_claims'))
})

t.test('PEM public keys (one or several) are accepted', async t => {
  const pair = await generateKeyPair('ES256', { extractable: true })
  const { exportSPKI } = await import('jose')
  const pem = await exportSPKI(pair.publicKey)
  const keys = await importPublicKeys(pem)
  t.equal(keys.keys.length, 1)
  const signing = await importSigningKey({ ...await exportJWK(pair.privateKey) })
  t.equal(signing.kid, keys.keys[0]!.kid, 'the PEM key and the JWK share their thumbprint kid')
  const token = await signLicense(signing, { tid, features: ['x'], seats: 1 })
  t.same((await verifyLicense(token, keys, tid)).features, ['x'])
})
