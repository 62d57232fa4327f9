/**
 * WireGuard keys are Curve25519 (X25519) keys: 32 bytes, base64 with padding (44 characters).
 * The last character before `=` carries 4 bits of the 32nd byte and 2 zero bits, so only 16
 * letters can stand there: the pattern refuses 33-byte and mis-padded strings before decoding.
 */
export const WG_KEY_PATTERN = '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$'
const WG_KEY = new RegExp(WG_KEY_PATTERN)

/** Whether `key` is a WireGuard public key: 32 bytes of base64, not all zero (the identity point). */
export function isWireGuardKey (key: unknown): key is string {
  if (typeof key !== 'string' || !WG_KEY.test(key)) return false
  const bytes = Buffer.from(key, 'base64')
  return bytes.length === 32 && bytes.some(b => b !== 0)
}
