import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { decodePublicKey, encodePublicKey } from './keys.ts'

/** The signature file at a plugin folder's root: every other file's SHA-256, signed as one canonical payload. */
export const SIGNATURE_FILE = 'plugin.sig.json'
export const SIGNATURE_FORMAT = 'monozu-plugin-signature/1'

export interface PluginSignature {
  format: typeof SIGNATURE_FORMAT
  plugin: string
  version: string
  signedAt: string
  /** The signer's public key (`ed25519:...`); the loader trusts it only when PLUGINS_TRUSTED_KEYS lists it. */
  key: string
  /** Path relative to the plugin folder, `/`-separated → `sha256:<hex>` (a symbolic link: `link:<target>`). */
  files: Record<string, string>
  signature: string
}

export type Verdict =
  | { status: 'trusted', key: string }
  | { status: 'unsigned' }
  | { status: 'untrusted', key: string }
  | { status: 'tampered', problems: string[] }

// Never part of what is signed: the signature itself and version-control metadata.
const skipped = (path: string) => path === SIGNATURE_FILE || path === '.git' || path.startsWith('.git/')

/**
 * Every file under `dir` (node_modules included: a partner's dependencies run in the platform too),
 * hashed. A symbolic link is recorded by its target, and refused when it leads out of the folder,
 * whose files the signature would then not cover.
 */
export function hashFiles (dir: string): Record<string, string> {
  const root = realpathSync(dir)
  const files: Record<string, string> = {}
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name)
      const path = relative(root, full).split(sep).join('/')
      if (skipped(path)) continue
      if (entry.isSymbolicLink()) {
        const target = existsSync(full) ? realpathSync(full) : ''
        if (target !== root && !target.startsWith(root + sep)) throw new Error(`${path} is a link that leads outside the plugin folder (or nowhere): signed plugins hold their own files`)
        files[path] = `link:${readlinkSync(full)}`
      } else if (entry.isDirectory()) {
        walk(full)
      } else if (entry.isFile()) {
        files[path] = `sha256:${createHash('sha256').update(readFileSync(full)).digest('hex')}`
      }
    }
  }
  walk(root)
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The exact bytes signed: the signature file without `signature`, keys in a fixed order, files sorted. */
export function signedBytes (s: Omit<PluginSignature, 'signature'>): Buffer {
  const files = Object.fromEntries(Object.entries(s.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  return Buffer.from(JSON.stringify({ format: s.format, plugin: s.plugin, version: s.version, signedAt: s.signedAt, key: s.key, files }))
}

/** Hashes the folder, signs, and writes plugin.sig.json; the plugin's id and version come from its plugin.json. */
export function signPlugin (dir: string, privateKey: KeyObject, now = new Date()): PluginSignature {
  const manifest = JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')) as { id: string, version: string }
  const unsigned = {
    format: SIGNATURE_FORMAT,
    plugin: manifest.id,
    version: manifest.version,
    signedAt: now.toISOString(),
    key: encodePublicKey(createPublicKey(privateKey)),
    files: hashFiles(dir)
  } as const
  const signature: PluginSignature = { ...unsigned, signature: sign(null, signedBytes(unsigned), privateKey).toString('base64url') }
  writeFileSync(join(dir, SIGNATURE_FILE), JSON.stringify(signature, null, 2) + '\n')
  return signature
}

/** Reads plugin.sig.json; null when there is none, an Error naming what is wrong when it cannot be used. */
export function readSignature (dir: string): PluginSignature | null | Error {
  const file = join(dir, SIGNATURE_FILE)
  if (!existsSync(file)) return null
  let s: Partial<PluginSignature>
  try { s = JSON.parse(readFileSync(file, 'utf8')) } catch (err) { return new Error(`${SIGNATURE_FILE} is not JSON: ${(err as Error).message}`) }
  const fine = s !== null && typeof s === 'object' && s.format === SIGNATURE_FORMAT && typeof s.plugin === 'string' && typeof s.version === 'string' &&
    typeof s.signedAt === 'string' && typeof s.key === 'string' && typeof s.signature === 'string' &&
    s.files !== null && typeof s.files === 'object' && Object.values(s.files).every(v => typeof v === 'string')
  return fine ? s as PluginSignature : new Error(`${SIGNATURE_FILE} is not a ${SIGNATURE_FORMAT} signature`)
}

/**
 * Checks a folder against its signature and the trusted keys. The key named in the file only picks
 * which trusted key to use: an unlisted key is `untrusted` whatever it signed. Then the signature
 * over the file itself (edited after signing → tampered), then every file (changed, missing or
 * added → tampered, each named).
 */
export function verifyPlugin (dir: string, trustedKeys: readonly string[]): Verdict {
  const s = readSignature(dir)
  if (s === null) return { status: 'unsigned' }
  if (s instanceof Error) return { status: 'tampered', problems: [s.message] }
  if (!trustedKeys.includes(s.key)) return { status: 'untrusted', key: s.key }
  const { signature, ...unsigned } = s
  let valid = false
  try { valid = verify(null, signedBytes(unsigned), decodePublicKey(s.key), Buffer.from(signature, 'base64url')) } catch { valid = false }
  if (!valid) return { status: 'tampered', problems: [`${SIGNATURE_FILE} does not match its signature: it was edited after signing`] }
  let now: Record<string, string>
  try { now = hashFiles(dir) } catch (err) { return { status: 'tampered', problems: [(err as Error).message] } }
  const problems: string[] = []
  for (const [path, hash] of Object.entries(s.files)) {
    if (!(path in now)) problems.push(`${path} is missing`)
    else if (now[path] !== hash) problems.push(`${path} changed since it was signed`)
  }
  for (const path of Object.keys(now)) if (!(path in s.files)) problems.push(`${path} was added after signing`)
  return problems.length > 0 ? { status: 'tampered', problems } : { status: 'trusted', key: s.key }
}
