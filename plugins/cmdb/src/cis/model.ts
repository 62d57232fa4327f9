import type { CiPublisher } from './events.ts'
import { CORE_FIELDS, type CoreField, type CoreValues, type Provenance } from '../types/model.ts'

export type { Provenance }

/** A CI's own values in canonical form; `attributes` holds the type's fields. */
export interface CiState extends CoreValues {
  attributes: Record<string, unknown>
}

export interface Ci extends CiState {
  id: string
  type: string
  locked: string[]
  sources: Record<string, Provenance>
  version: number
  createdAt: string
  updatedAt: string
}

/** Who made a change, for the change log. */
export interface Actor {
  kind: 'user' | 'import' | 'discovery' | 'review'
  /** A user id, or the discovering appliance's device id. */
  id: string
  name: string | null
  /** discovery: the event's source name. */
  source?: string
}

export interface ChangeContext {
  actor: Actor
  /** Groups the changes of one request (a bulk edit, an import, a discovery batch). */
  requestId: string
  message: string | null
  at: Date
  /**
   * Publishes `cmdb.ci_changed` for every CI the store writes, in its transaction. Null only where
   * no plugin context exists (a bench's direct store calls); every plugin path passes one.
   */
  publish: CiPublisher | null
}

const isCore = (key: string): key is CoreField => (CORE_FIELDS as readonly string[]).includes(key)

export function fieldOf (state: CiState, key: string): unknown {
  return isCore(key) ? state[key] : state.attributes[key] ?? null
}

/** Returns a copy of `state` with `key` set (null removes a type field). */
export function withField (state: CiState, key: string, value: unknown): CiState {
  if (isCore(key)) return { ...state, [key]: value }
  const attributes = { ...state.attributes }
  if (value === null || value === undefined) delete attributes[key]
  else attributes[key] = value
  return { ...state, attributes }
}

/** Every field as one flat object: what the API returns and the change log records. */
export function flatten (state: CiState): Record<string, unknown> {
  // Picked one by one: a Ci passed here also carries id, version, locked... that are not fields.
  const { name, status, site, description, hostname, serial, hardwareUuid, macs, attributes } = state
  return { name, status, site, description, hostname, serial, hardwareUuid, macs, ...attributes }
}

export const emptyState = (name: string): CiState => ({
  name, status: 'active', site: null, description: null, hostname: null, serial: null, hardwareUuid: null, macs: [], attributes: {}
})

export function stateOf (ci: Ci): CiState {
  return { name: ci.name, status: ci.status, site: ci.site, description: ci.description, hostname: ci.hostname, serial: ci.serial, hardwareUuid: ci.hardwareUuid, macs: ci.macs, attributes: ci.attributes }
}
