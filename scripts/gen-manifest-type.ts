// npm run gen:manifest: writes kernel/src/plugins/manifest.generated.ts, the PluginManifest type,
// from plugin.schema.json, so the schema the loader validates with is the only hand-written copy
// of the plugin contract. `--check` writes nothing and exits 1 when the checked-in file is stale
// (kernel/test/manifest-generated.test.ts runs the same comparison in the suite).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { compile } from 'json-schema-to-typescript'

const root = resolve(import.meta.dirname, '..')
export const schemaFile = resolve(root, 'plugin.schema.json')
export const generatedFile = resolve(root, 'kernel', 'src', 'plugins', 'manifest.generated.ts')

const banner = `// Generated from plugin.schema.json by scripts/gen-manifest-type.ts: do not edit.
// Change the schema, then run \`npm run gen:manifest\`; a test fails while this file is stale.`

export async function manifestType (): Promise<string> {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'))
  // The schema's title is prose for editors; the type needs the name the kernel exports.
  return compile({ ...schema, title: 'PluginManifest' }, 'PluginManifest', {
    bannerComment: banner,
    ignoreMinAndMaxItems: true,
    unknownAny: true,
    cwd: root,
    // json-schema-to-typescript formats with prettier; these options match the repo's style.
    style: { semi: false, singleQuote: true, trailingComma: 'none', printWidth: 120 }
  })
}

if (import.meta.main) {
  const wanted = await manifestType()
  const current = existsSync(generatedFile) ? readFileSync(generatedFile, 'utf8') : ''
  if (process.argv.includes('--check')) {
    if (current !== wanted) {
      console.error(`${generatedFile} is stale: run npm run gen:manifest`)
      process.exit(1)
    }
    console.log('manifest.generated.ts is up to date')
  } else if (current !== wanted) {
    writeFileSync(generatedFile, wanted)
    console.log(`wrote ${generatedFile}`)
  }
}
