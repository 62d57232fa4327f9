import t from 'tap'
import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startTestKernel, type TestKernel } from '../src/testing/internal.ts'
import { SIGNATURE_FILE, verifyPlugin } from '../src/plugins/trust/signature.ts'
import { tempPlugins } from './helpers/temp-plugin.ts'
import { partnerKey } from './helpers/signed-plugin.ts'

// Third-party plugins (PLUGINS_DIRS) must match a signature by a trusted key before any of their
// code runs. Each case is what an attacker with write access to the plugin folder would try.

const partner = partnerKey()
const stranger = partnerKey()
const route = (id: string) => `import { definePlugin } from '@monozu/kernel'
export default definePlugin({ start (_ctx, app) { app.get('/api/v1/${id}/hello', { config: { public: true } }, async () => ({ from: '${id}' })) } })
`
const ids = ['tp-good', 'tp-changed', 'tp-added', 'tp-removed', 'tp-stranger', 'tp-edited', 'tp-rekeyed', 'tp-unsigned'] as const
const dirs = Object.fromEntries(tempPlugins(ids.map(id => ({ id, source: route(id) }))).map((dir, i) => [ids[i], dir])) as Record<typeof ids[number], string>
for (const id of ids) if (id !== 'tp-unsigned') (id === 'tp-stranger' ? stranger : partner).sign(dirs[id])
// Attacks, after signing:
appendFileSync(join(dirs['tp-changed'], 'src/index.ts'), '\n// exfiltrate everything\n')
mkdirSync(join(dirs['tp-added'], 'migrations'))
writeFileSync(join(dirs['tp-added'], 'migrations/999-backdoor.ts'), 'export async function up () {}\n')
writeFileSync(join(dirs['tp-removed'], 'plugin.json'), readFileSync(join(dirs['tp-removed'], 'plugin.json')))
{
  // The attacker changes code and updates its hash in the signature file to match.
  const file = join(dirs['tp-edited'], 'src/index.ts')
  appendFileSync(file, '\n// backdoor\n')
  const sig = JSON.parse(readFileSync(join(dirs['tp-edited'], SIGNATURE_FILE), 'utf8'))
  const { createHash } = await import('node:crypto')
  sig.files['src/index.ts'] = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`
  writeFileSync(join(dirs['tp-edited'], SIGNATURE_FILE), JSON.stringify(sig, null, 2))
  // ...or re-signs the whole folder with a key of their own, naming it in the file.
  appendFileSync(join(dirs['tp-rekeyed'], 'src/index.ts'), '\n// backdoor\n')
  stranger.sign(dirs['tp-rekeyed'])
}

const logs: string[] = []
const log = { level: 'info' as const, stream: { write: (line: string) => logs.push(line) } }

t.test('a matching signature by a trusted key loads; every attack is refused, naming what changed', async t => {
  const k: TestKernel = await startTestKernel({ log, config: { pluginsDirs: Object.values(dirs), pluginsTrustedKeys: [partner.publicKey] } })
  t.teardown(() => k.close())
  const state = (id: string) => k.kernel.registry.get(id)
  t.equal(state('tp-good')?.state, 'running', 'the signed, untouched plugin runs')
  t.same((await k.request('GET', '/api/v1/tp-good/hello')).body, { from: 'tp-good' })
  const expect: Array<[string, RegExp]> = [
    ['tp-changed', /plugin_tampered.*src\/index\.ts changed since it was signed/],
    ['tp-added', /plugin_tampered.*migrations\/999-backdoor\.ts was added after signing/],
    ['tp-edited', /plugin_tampered.*plugin\.sig\.json does not match its signature: it was edited after signing/],
    ['tp-stranger', new RegExp(`plugin_untrusted.*signed by ${stranger.publicKey}, which is not in PLUGINS_TRUSTED_KEYS`)],
    ['tp-rekeyed', /plugin_untrusted/],
    ['tp-unsigned', /plugin_unsigned.*is not signed \(no plugin\.sig\.json\)/]
  ]
  for (const [id, message] of expect) {
    t.equal(state(id)?.state, 'disabled', `${id} is disabled`)
    t.match(state(id)?.error, message, `${id}: ${state(id)?.error}`)
    const res = await k.request('GET', `/api/v1/${id}/hello`)
    t.ok(res.status >= 400 && res.body?.from === undefined, `${id}: its code never answers (${res.status})`)
  }
  // Rewriting plugin.json with the same bytes changes nothing: the hash is of content.
  t.equal(state('tp-removed')?.state, 'running')
  t.ok(logs.some(l => l.includes('third-party plugin signature verified') && l.includes('tp-good')), 'the verified key is logged')
})

t.test('PLUGINS_ALLOW_UNSIGNED loads unsigned and untrusted plugins with a warning, never tampered ones', async t => {
  logs.length = 0
  const k = await startTestKernel({ log, config: { pluginsDirs: [dirs['tp-unsigned'], dirs['tp-stranger'], dirs['tp-changed'], dirs['tp-edited']], pluginsTrustedKeys: [partner.publicKey], pluginsAllowUnsigned: true } })
  t.teardown(() => k.close())
  t.equal(k.kernel.registry.get('tp-unsigned')?.state, 'running')
  t.equal(k.kernel.registry.get('tp-stranger')?.state, 'running')
  t.equal(k.kernel.registry.get('tp-changed')?.state, 'disabled', 'a changed file is refused whatever the setting')
  t.equal(k.kernel.registry.get('tp-edited')?.state, 'disabled')
  const warnings = logs.map(l => JSON.parse(l)).filter(l => l.level === 40)
  t.ok(warnings.some(w => w.setting === 'PLUGINS_ALLOW_UNSIGNED' && /unverified/.test(w.msg)), 'one start-up warning names the setting')
  t.ok(warnings.some(w => w.plugin === 'tp-unsigned' && /loads because PLUGINS_ALLOW_UNSIGNED=true/.test(w.msg)), 'each such plugin is named')
})

t.test('PLUGIN_START_FAILURE=stop refuses the boot instead of disabling', async t => {
  await t.rejects(startTestKernel({ config: { pluginsDirs: [dirs['tp-changed']], pluginsTrustedKeys: [partner.publicKey], pluginStartFailure: 'stop' } }), /plugin_tampered.*src\/index\.ts changed since it was signed/)
})

t.test('first-party plugins need no signature', async t => {
  const k = await startTestKernel({ plugins: [dirs['tp-unsigned']] })
  t.teardown(() => k.close())
  t.equal(k.kernel.registry.get('tp-unsigned')?.state, 'running')
})

t.test('verifyPlugin: a link out of the folder and a missing file are refused', async t => {
  const [dir] = tempPlugins([{ id: 'tp-links' }]) as [string]
  partner.sign(dir)
  t.same(verifyPlugin(dir, [partner.publicKey]), { status: 'trusted', key: partner.publicKey })
  const { rmSync, symlinkSync } = await import('node:fs')
  symlinkSync('/etc', join(dir, 'outside'))
  t.match(verifyPlugin(dir, [partner.publicKey]), { status: 'tampered', problems: [/outside is a link that leads outside the plugin folder/] })
  rmSync(join(dir, 'outside'))
  rmSync(join(dir, 'src/index.ts'))
  t.match(verifyPlugin(dir, [partner.publicKey]), { status: 'tampered', problems: ['src/index.ts is missing'] })
  writeFileSync(join(dir, SIGNATURE_FILE), '{"format":"monozu-plugin-signature/1"}')
  t.match(verifyPlugin(dir, [partner.publicKey]), { status: 'tampered', problems: [/is not a monozu-plugin-signature\/1 signature/] })
})
