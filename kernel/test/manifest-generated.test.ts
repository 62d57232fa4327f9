import t from 'tap'
import { readFileSync } from 'node:fs'
import { generatedFile, manifestType } from '../../scripts/gen-manifest-type.ts'

// The PluginManifest type is generated from plugin.schema.json and checked in: this is the CI
// check that nobody changed one without the other.
t.test('manifest.generated.ts is what plugin.schema.json generates today', async t => {
  const wanted = await manifestType()
  t.ok(wanted.includes('export interface PluginManifest {'), 'the generator names the type the kernel exports')
  t.equal(readFileSync(generatedFile, 'utf8'), wanted, 'stale: run `npm run gen:manifest` and commit kernel/src/plugins/manifest.generated.ts')
})
