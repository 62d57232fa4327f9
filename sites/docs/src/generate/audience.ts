// Who an API operation is for. The public reference documents what customers call; the internal
// and operator routes (the management side's /internal/*, the license webhook, /api/v1/admin/*)
// are documented in the internal docs only (sites/internal-docs, /reference/internal-api/).
import type { OpenApiDocument } from './api.ts'

const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace']
/** Tags the kernel gives its non-public areas. */
export const internalTags = ['admin', 'internal']
const internalPrefixes = ['/internal/', '/api/v1/admin/']

interface Op { tags?: string[], parameters?: Array<{ name: string, in: string }> }

/** An operator or machine-to-machine route: by tag, by path, or by taking X-Internal-Token. */
export function isInternalOperation (path: string, op: Op): boolean {
  return (op.tags ?? []).some(tag => internalTags.includes(tag)) ||
    internalPrefixes.some(prefix => path.startsWith(prefix)) ||
    (op.parameters ?? []).some(p => p.in === 'header' && p.name.toLowerCase() === 'x-internal-token')
}

/** The document with only the operations for `audience`; paths left empty are dropped. */
export function forAudience (doc: OpenApiDocument, audience: 'public' | 'internal'): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {}
  for (const [path, item] of Object.entries(doc.paths)) {
    const kept = Object.fromEntries(Object.entries(item).filter(([method, op]) =>
      !methods.includes(method) || isInternalOperation(path, op as Op) === (audience === 'internal')))
    if (Object.keys(kept).some(k => methods.includes(k))) paths[path] = kept as OpenApiDocument['paths'][string]
  }
  return { ...doc, paths }
}
