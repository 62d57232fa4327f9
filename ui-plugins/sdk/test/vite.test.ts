import t from 'tap'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { uiModuleConfig } from '@monozu/ui-sdk/vite'

const sdkVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version
const template = fileURLToPath(new URL('../../template', import.meta.url))

t.test('the base is where the kernel serves the module; MONOZU_UI_BASE moves it', async t => {
  const saved = process.env.MONOZU_UI_BASE
  t.teardown(() => { if (saved === undefined) delete process.env.MONOZU_UI_BASE; else process.env.MONOZU_UI_BASE = saved })
  delete process.env.MONOZU_UI_BASE
  t.equal(uiModuleConfig({ id: 'my-plugin', remote: 'my_plugin' }).base, '/ui/my-plugin/')
  process.env.MONOZU_UI_BASE = 'https://cdn.example.com/modules//'
  t.equal(uiModuleConfig({ id: 'my-plugin', remote: 'my_plugin' }).base, 'https://cdn.example.com/modules/my-plugin/')
})

t.test('a container name the shell cannot load stops the build with the name to use', async t => {
  t.throws(() => uiModuleConfig({ id: 'my-plugin' }), /remote "my-plugin" must be letters, digits and _, .*"my_plugin"/)
  t.throws(() => uiModuleConfig({ id: 'x', remote: '9lives' }), /remote "9lives" .*"_9lives"/)
  t.doesNotThrow(() => uiModuleConfig({ id: 'notes' }))
})

t.test('widgets adds the ./Widgets expose beside ./Module, only when asked', async t => {
  // The federation plugin keeps its normalised options on the plugin object it returns.
  const exposes = (config: ReturnType<typeof uiModuleConfig>) => ((config.plugins ?? []).flat(5) as Array<{ name?: string, _options?: { exposes?: Record<string, { import: string }> } } | null>)
    .find(p => p?.name === 'module-federation-vite')?._options?.exposes
  t.same(exposes(uiModuleConfig({ id: 'devices', widgets: './src/Widgets.tsx' })), { './Module': { import: './src/Module.tsx' }, './Widgets': { import: './src/Widgets.tsx' } })
  t.same(exposes(uiModuleConfig({ id: 'devices' })), { './Module': { import: './src/Module.tsx' } })
})

t.test('the template builds into remoteEntry.js, asking for the SDK it was built with from the shell', async t => {
  const outDir = mkdtempSync(join(tmpdir(), 'monozu-ui-template-'))
  t.teardown(() => rmSync(outDir, { recursive: true, force: true }))
  await build({ root: template, configFile: join(template, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } })
  t.ok(readdirSync(outDir).includes('remoteEntry.js'), 'remoteEntry.js at the root of the build')
  const chunks = readdirSync(join(outDir, 'assets')).map(f => readFileSync(join(outDir, 'assets', f), 'utf8')).join('\n')
  t.match(chunks, `requiredVersion:\`^${sdkVersion}\``, 'the SDK is required at the version it was built with')
  t.notMatch(chunks, 'no MonozuProvider above this component', 'the SDK itself is not bundled: the shell\'s copy is used')
  t.match(chunks, '@monozu/ui-sdk/components', 'the module asks the shell for @monozu/ui-sdk/components')
  t.notMatch(chunks, 'mz-field__error', 'and bundles none of it (the template renders Field)')
})
