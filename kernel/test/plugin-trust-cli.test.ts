import t from 'tap'
import { spawnSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempPlugins } from './helpers/temp-plugin.ts'

// monozu plugin keygen | sign | verify, run as a partner and an operator would: the real CLI process.

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const run = (args: string[], env: Record<string, string | undefined> = {}) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, PLUGINS_TRUSTED_KEYS: undefined, ...env } })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

t.test('keygen, sign, verify; then a tampered file and a stranger\'s key fail verify', async t => {
  const keys = mkdtempSync(join(tmpdir(), 'monozu-keys-'))
  const partner = run(['plugin', 'keygen', '--out', join(keys, 'partner.pem')])
  t.equal(partner.code, 0, partner.out)
  t.equal(statSync(join(keys, 'partner.pem')).mode & 0o777, 0o600, 'the private key is 0600')
  const publicKey = /public key:\s+(ed25519:\S+)/.exec(partner.out)?.[1] as string
  t.match(publicKey, /^ed25519:[A-Za-z0-9_-]{43}$/)
  t.equal(run(['plugin', 'keygen', '--out', join(keys, 'partner.pem')]).code, 2, 'never overwrites a key')

  const [dir] = tempPlugins([{ id: 'cli-signed' }]) as [string]
  t.equal(run(['plugin', 'verify', dir]).code, 1, 'unsigned: exit 1')
  const signed = run(['plugin', 'sign', dir, '--key', join(keys, 'partner.pem')])
  t.equal(signed.code, 0, signed.out)
  t.match(signed.out, `signed cli-signed@1.0.0: 2 files, key ${publicKey}`)
  t.match(run(['plugin', 'verify', dir, '--trusted-key', publicKey]), { code: 0, out: /every file matches the signature by trusted key/ })
  t.match(run(['plugin', 'verify', dir], { PLUGINS_TRUSTED_KEYS: publicKey }), { code: 0 }, 'PLUGINS_TRUSTED_KEYS is the default')
  t.match(run(['plugin', 'verify', dir]), { code: 0, out: /integrity, not who signed/ }, 'with no trusted keys it says what it proves')

  run(['plugin', 'keygen', '--out', join(keys, 'stranger.pem')])
  const stranger = /public key:\s+(ed25519:\S+)/.exec(run(['plugin', 'keygen', '--out', join(keys, 'other.pem')]).out)?.[1] as string
  t.match(run(['plugin', 'verify', dir, '--trusted-key', stranger]), { code: 1, out: /signed by ed25519:\S+, which is not a trusted key/ })

  appendFileSync(join(dir, 'src/index.ts'), '// changed\n')
  t.match(run(['plugin', 'verify', dir, '--trusted-key', publicKey]), { code: 1, out: /src\/index\.ts changed since it was signed/ })
  t.match(run(['plugin', 'sign', dir]), { code: 2, out: /needs --key/ })
  t.match(run(['plugin', 'sign', join(keys)]), { code: 2, out: /needs a plugin folder/ })
})
