import { flatten, type Ci } from './model.ts'

/** A CI as the API returns it: its fields flat beside its metadata (`provenance` on single reads). */
export function present (ci: Ci, options: { provenance?: boolean } = {}): Record<string, unknown> {
  return {
    id: ci.id,
    type: ci.type,
    ...flatten(ci),
    locked: ci.locked,
    version: ci.version,
    createdAt: ci.createdAt,
    updatedAt: ci.updatedAt,
    ...(options.provenance ? { provenance: ci.sources } : {})
  }
}

const nullableString = { type: ['string', 'null'] }

/** Response schema: the core fields are fixed, the type's fields pass through. */
export const ciSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string' },
    site: nullableString,
    description: nullableString,
    hostname: nullableString,
    serial: nullableString,
    hardwareUuid: nullableString,
    macs: { type: 'array', items: { type: 'string' } },
    locked: { type: 'array', items: { type: 'string' } },
    version: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' }
  }
} as const
