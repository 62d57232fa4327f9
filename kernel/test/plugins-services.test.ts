import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { startTestKernel } from '@monozu/kernel/testing'
import { fixture } from './helpers/paths.ts'
import { tempPlugins, type TempPlugin } from './helpers/temp-plugin.ts'

/** Starts a kernel with these plugins and returns the start-up error (or closes it and fails). */
async function refusal (plugins: TempPlugin[]): Promise<Error & { code?: string }> {
  try {
    const k = await startTestKernel({ plugins: tempPlugins(plugins), seedDemo: false })
    await k.close()
  } catch (err) {
    return err as Error & { code?: string }
  }
  throw new Error('the kernel started but should have refused')
}

// A provider exporting its reference from its entry; consumers import it the way a plugin imports
// `@monozu/plugin-devices/service` (temp plugins sit side by side, so by a relative path).
const provider = (version: string, provides = true): TempPlugin => ({
  id: 'clock',
  source: `import { definePlugin, defineServiceRef } from '@monozu/kernel'
export const clockService = defineServiceRef({ id: 'clock', version: '${version}' })
export default definePlugin({ start (ctx) { ${provides ? "ctx.provide(clockService, { now: () => 'noon' })" : ''} } })
`
})
const consumer = (manifest: Record<string, unknown>): TempPlugin => ({
  id: 'alarm',
  manifest,
  source: `import { definePlugin } from '@monozu/kernel'
import { clockService } from '../../clock/src/index.ts'
export default definePlugin({
  start (ctx, app) {
    const clock = ctx.service(clockService)
    app.get('/api/v1/alarm/now', { config: { public: true } }, async () => ({ now: clock.now() }))
  }
})
`
})

t.test('a consumer gets the provider\'s implementation through the typed reference', async t => {
  const k = await startTestKernel({ plugins: [fixture('fx-notes'), fixture('fx-tags')], seedDemo: false })
  t.teardown(() => k.close())
  const tenant = await k.createTenant()
  const { token } = await k.signIn(tenant, ['tenant-admin'])
  t.equal((await k.request('POST', '/api/v1/fx-notes/notes', { token, body: { title: 'one' } })).status, 201)
  t.same((await k.request('GET', '/api/v1/fx-tags/summary', { token })).body, { notes: 1 }, 'fx-tags counted through fx-notes\' service')
})

t.test('a declared, provided, in-range service starts', async t => {
  const k = await startTestKernel({ plugins: tempPlugins([provider('1.4.0'), consumer({ dependencies: { clock: '^1.0.0' }, services: { clock: '^1.2.0' } })]), seedDemo: false })
  t.teardown(() => k.close())
  t.same((await k.request('GET', '/api/v1/alarm/now')).body, { now: 'noon' })
})

t.test('service wiring errors stop the boot with a stable code, naming both plugins', async t => {
  const range = await refusal([provider('1.4.0'), consumer({ dependencies: { clock: '^1.0.0' }, services: { clock: '^2.0.0' } })])
  t.equal(range.code, 'service_version')
  t.match(range.message, /plugin "alarm" needs service "clock" \^2\.0\.0, but plugin "clock" provides 1\.4\.0/)

  const missing = await refusal([provider('1.4.0', false), consumer({ dependencies: { clock: '^1.0.0' }, services: { clock: '^1.0.0' } })])
  t.equal(missing.code, 'service_missing')
  t.match(missing.message, /plugin "alarm" needs service "clock", which plugin "clock" does not provide/)

  const undeclared = await refusal([provider('1.4.0'), consumer({ dependencies: { clock: '^1.0.0' } })])
  t.equal(undeclared.code, 'service_undeclared')
  t.match(undeclared.message, /plugin "alarm" asked for service "clock", which its plugin\.json does not declare in \/services/)

  const noDependency = await refusal([provider('1.4.0'), consumer({ services: { clock: '^1.0.0' } })])
  t.equal(noDependency.code, 'manifest_invalid')
  t.match(noDependency.message, /\/services "clock" comes from plugin "clock", which is not in \/dependencies/)

  const notInstalled = await refusal([consumer({ dependencies: { clock: '^1.0.0' }, services: { clock: '^1.0.0' } })])
  t.equal(notInstalled.code, 'dependency_missing', 'a missing provider is refused before any code runs')
})

t.test('a plugin may not provide a service named after another plugin', async t => {
  const impostor: TempPlugin = {
    id: 'impostor',
    source: `import { definePlugin, defineServiceRef } from '@monozu/kernel'
export default definePlugin({ start (ctx) { ctx.provide(defineServiceRef({ id: 'clock', version: '9.0.0' }), {}) } })
`
  }
  const err = await refusal([impostor])
  t.equal(err.code, 'service_invalid')
  t.match(err.message, /plugin "impostor" cannot provide "clock"/)
})

t.test('defineServiceRef refuses ids the loader cannot map to a plugin and non-semver versions', async t => {
  const { defineServiceRef } = await import('@monozu/kernel')
  t.throws(() => defineServiceRef({ id: 'Devices', version: '1.0.0' }), /must be <pluginId> or <pluginId>\.<name>/)
  t.throws(() => defineServiceRef({ id: 'devices', version: 'one' }), /is not a semantic version/)
  const ref = defineServiceRef<{ n: number }>({ id: 'devices.keys', version: '1.2.3' })
  t.same({ id: ref.id, version: ref.version }, { id: 'devices.keys', version: '1.2.3' })
  t.ok(Object.isFrozen(ref))
})

t.test('a partner plugin imports a provider\'s reference by package name without installing it', async t => {
  const [clock, alarm] = tempPlugins([provider('1.4.0'), consumer({ dependencies: { clock: '^1.0.0' }, services: { clock: '^1.0.0' } })]) as [string, string]
  writeFileSync(join(clock, 'package.json'), JSON.stringify({ name: '@acme/plugin-clock', type: 'module', exports: { './service': './src/index.ts' } }))
  const source = readFileSync(join(alarm, 'src', 'index.ts'), 'utf8')
  writeFileSync(join(alarm, 'src', 'index.ts'), source.replace('../../clock/src/index.ts', '@acme/plugin-clock/service'))
  const k = await startTestKernel({ plugins: [clock, alarm], seedDemo: false })
  t.teardown(() => k.close())
  t.same((await k.request('GET', '/api/v1/alarm/now')).body, { now: 'noon' })
})
