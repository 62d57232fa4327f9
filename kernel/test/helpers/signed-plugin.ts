import { cpSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateSigningKey, readPrivateKey } from '../../src/plugins/trust/keys.ts'
import { signPlugin } from '../../src/plugins/trust/signature.ts'

/** A partner's key pair: the private half signs, the public half goes in PLUGINS_TRUSTED_KEYS. */
export function partnerKey (): { publicKey: string, sign: (dir: string) => void } {
  const { privatePem, publicKey } = generateSigningKey()
  const key = readPrivateKey(privatePem)
  return { publicKey, sign: dir => { signPlugin(dir, key) } }
}

/** A throw-away copy of a third-party fixture (kernel/test/fixtures/third-party/<name>), as an operator would install it. */
export function installCopy (name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'monozu-third-party-')), name)
  cpSync(fileURLToPath(new URL(`../fixtures/third-party/${name}`, import.meta.url)), dir, { recursive: true })
  return dir
}
