import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { StartupError } from '../errors/errors.ts'
import type { PluginManifest } from './manifest.generated.ts'

// The type is generated from plugin.schema.json (npm run gen:manifest): the schema is the contract.
export type { LocalText, PluginManifest, ProblemType } from './manifest.generated.ts'

// The repo's root copy; the packed kernel carries its own beside src/ (scripts/build-sdk.ts).
const packedSchema = new URL('../../plugin.schema.json', import.meta.url)
export const manifestSchemaPath = existsSync(packedSchema) ? packedSchema : new URL('../../../plugin.schema.json', import.meta.url)
const schema = JSON.parse(readFileSync(manifestSchemaPath, 'utf8'))

export const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true })
addFormats.default(ajv)
const validateSchema = ajv.compile(schema)

/** Reads and validates `<dir>/plugin.json`; the error names the file, the JSON pointer and the rule. */
export function readManifest (dir: string): PluginManifest {
  const file = join(dir, 'plugin.json')
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new StartupError('manifest_unreadable', `${file}: ${(err as Error).message}`, { cause: err })
  }
  if (!validateSchema(json)) {
    const problems = (validateSchema.errors ?? []).map(e => {
      const pointer = e.instancePath || '/'
      const at = e.keyword === 'required' ? `${pointer === '/' ? '' : pointer}/${String(e.params.missingProperty)}` : e.keyword === 'additionalProperties' ? `${pointer === '/' ? '' : pointer}/${String(e.params.additionalProperty)}` : pointer
      return `${at} ${e.message} (rule: ${e.keyword} at ${e.schemaPath})`
    })
    throw new StartupError('manifest_invalid', `${file}: ${problems.join('; ')}`)
  }
  const manifest = json as PluginManifest
  for (const p of manifest.permissions ?? []) {
    if (!p.id.startsWith(`${manifest.id}.`)) throw new StartupError('manifest_invalid', `${file}: /permissions permission "${p.id}" must start with "${manifest.id}." (rule: permission ids are <pluginId>.<action>)`)
  }
  return manifest
}

/** The URL prefixes a plugin owns: declared, or `/api/v1/<id>`. */
export function prefixesOf (manifest: PluginManifest): string[] {
  return manifest.routes?.prefixes ?? [`/api/v1/${manifest.id}`]
}
