import type { ValidateFunction } from 'ajv'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { PluginManifest } from '../plugins/manifest.ts'
import type { IngestKind } from './types.ts'

// Event schemas validate; they never change an event (no defaults filled in): the inbox keeps
// each event's text as the device sent it, and the consumer must see exactly that.
const ajv = new Ajv2020({ allErrors: true, strict: false })
addFormats.default(ajv)

const anyObject = (data: unknown) => typeof data === 'object' && data !== null && !Array.isArray(data)

function describe (validate: ValidateFunction): string {
  return (validate.errors ?? []).slice(0, 5).map(e => {
    const at = e.keyword === 'additionalProperties' ? `${e.instancePath}/${String(e.params.additionalProperty)}` : e.keyword === 'required' ? `${e.instancePath}/${String(e.params.missingProperty)}` : e.instancePath || '/'
    return `${at} ${e.message}`
  }).join('; ')
}

/** The kinds every installed plugin declares, each with its compiled event schema. */
export function ingestCatalogue (manifests: PluginManifest[]): Map<string, IngestKind & { manifest: PluginManifest }> {
  const kinds = new Map<string, IngestKind & { manifest: PluginManifest }>()
  for (const manifest of manifests) {
    for (const k of manifest.ingest ?? []) {
      const validate = k.schema ? ajv.compile(k.schema) : null
      kinds.set(k.kind, {
        kind: k.kind,
        pluginId: manifest.id,
        ...(k.description ? { description: k.description } : {}),
        manifest,
        check (data) {
          if (!anyObject(data)) return { ok: false, detail: 'an event must be a JSON object' }
          if (!validate || validate(data)) return { ok: true }
          return { ok: false, detail: describe(validate) }
        }
      })
    }
  }
  return kinds
}
