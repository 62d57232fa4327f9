import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

// scrypt N=2^15, r=8, p=1: ~32 MiB and ~60 ms per hash here, OWASP's floor for scrypt.
const N = 32768
const r = 8
const p = 1
const KEYLEN = 32
const maxmem = 64 * 1024 * 1024

function derive (password: string, salt: Buffer, params: { N: number, r: number, p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { ...params, maxmem }, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, { N, r, p })
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

const dummy = hashPassword('monozu-timing-equaliser')

/** Constant-time check; with no stored hash it still spends the same work, so timing leaks nothing. */
export async function verifyPassword (password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? await dummy).split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [, n, rr, pp, salt, hash] = parts as [string, string, string, string, string, string]
  const expected = Buffer.from(hash, 'base64url')
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(rr), p: Number(pp) })
  return stored != null && key.length === expected.length && timingSafeEqual(key, expected)
}
