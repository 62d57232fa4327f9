import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { generateSigningKey, readPrivateKey } from '../plugins/trust/keys.ts'
import { readSignature, signPlugin, verifyPlugin, SIGNATURE_FILE } from '../plugins/trust/signature.ts'

export const pluginTrustUsage = `  plugin keygen --out <file>                      write an Ed25519 signing key (0600) and print its public key
  plugin sign <dir> --key <file>                  write <dir>/${SIGNATURE_FILE}: every file's hash, signed
  plugin verify <dir> [--trusted-key ed25519:...]  check <dir> against its signature and the trusted keys
                                                  (default PLUGINS_TRUSTED_KEYS; none: integrity only)`

/** `monozu plugin keygen|sign|verify`: returns the exit code and what to print. */
export function pluginTrust (sub: string, args: string[], env: Record<string, string | undefined> = process.env): { code: number, out: string } {
  if (sub === 'keygen') {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } } })
    if (!values.out) return { code: 2, out: 'plugin keygen needs --out <file> for the private key' }
    const file = resolve(values.out)
    if (existsSync(file)) return { code: 2, out: `${file} exists: refusing to overwrite a signing key` }
    const { privatePem, publicKey } = generateSigningKey()
    writeFileSync(file, privatePem, { mode: 0o600, flag: 'wx' })
    return { code: 0, out: `private key: ${file} (keep it secret; never commit it)\npublic key:  ${publicKey}\noperators trust it with PLUGINS_TRUSTED_KEYS=${publicKey}` }
  }
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { key: { type: 'string' }, 'trusted-key': { type: 'string', multiple: true } } })
  const dir = positionals[0] ? resolve(positionals[0]) : undefined
  if (!dir || !existsSync(resolve(dir, 'plugin.json'))) return { code: 2, out: `plugin ${sub} needs a plugin folder (one holding plugin.json)` }
  if (sub === 'sign') {
    if (!values.key) return { code: 2, out: 'plugin sign needs --key <file> (an Ed25519 private key: monozu plugin keygen --out <file>)' }
    let signed
    try { signed = signPlugin(dir, readPrivateKey(readFileSync(resolve(values.key), 'utf8'))) } catch (err) { return { code: 1, out: `cannot sign ${dir}: ${(err as Error).message}` } }
    return { code: 0, out: `signed ${signed.plugin}@${signed.version}: ${Object.keys(signed.files).length} files, key ${signed.key}` }
  }
  if (sub === 'verify') {
    const given = values['trusted-key'] ?? (env.PLUGINS_TRUSTED_KEYS ?? '').split(/[\s,]+/).filter(Boolean)
    const named = readSignature(dir)
    // No trusted keys: still useful to a publisher before shipping, but says it proves nothing about who signed.
    const keys = given.length > 0 ? given : named && !(named instanceof Error) ? [named.key] : []
    const verdict = verifyPlugin(dir, keys)
    if (verdict.status === 'trusted') return { code: 0, out: given.length > 0 ? `${dir}: every file matches the signature by trusted key ${verdict.key}` : `${dir}: every file matches the signature by ${verdict.key} (no trusted keys given: this checks integrity, not who signed)` }
    if (verdict.status === 'unsigned') return { code: 1, out: `${dir}: not signed (no ${SIGNATURE_FILE})` }
    if (verdict.status === 'untrusted') return { code: 1, out: `${dir}: signed by ${verdict.key}, which is not a trusted key` }
    return { code: 1, out: `${dir}: does not match its signature:\n  ${verdict.problems.join('\n  ')}` }
  }
  return { code: 2, out: `unknown command: plugin ${sub}` }
}
