import type { IngestedEvent } from '@monozu/kernel'
import { checkCore } from '../cis/core.ts'
import type { Provenance } from '../cis/model.ts'

/** One discovered asset (the `discovery` event's data, see plugin.json), identifiers normalised. */
export interface Discovered {
  source: string
  ciType: string
  name: string | null
  site: string | null
  serial: string | null
  hardwareUuid: string | null
  macs: string[]
  hostname: string | null
  fields: Record<string, unknown>
  deviceId: string
  eventId: string | null
  ts: string
  seq: string
}

/** The identifiers in match order: the first that finds a CI decides. */
export const IDENTIFIERS = ['serial', 'hardwareUuid', 'macs', 'hostname'] as const
export type Identifier = typeof IDENTIFIERS[number]

function core (key: 'serial' | 'hardwareUuid' | 'hostname' | 'site', raw: unknown): string | null {
  const checked = checkCore(key, raw, 'json')
  return checked.ok ? checked.value as string | null : null
}

/** Reads an event; an identifier that does not normalise is treated as not sent. */
export function discovered (e: IngestedEvent | { deviceId: string, eventId: string | null, ts: string, seq: string, data: Record<string, unknown> }): Discovered {
  const d = e.data as Record<string, unknown>
  const macs = checkCore('macs', d.macs ?? [], 'json')
  return {
    source: String(d.source),
    ciType: String(d.ciType),
    name: typeof d.name === 'string' && d.name.trim() !== '' ? d.name.trim().slice(0, 200) : null,
    site: core('site', d.site),
    serial: core('serial', d.serial),
    hardwareUuid: core('hardwareUuid', d.hardwareUuid),
    macs: macs.ok ? macs.value as string[] : [],
    hostname: core('hostname', d.hostname),
    fields: (d.fields && typeof d.fields === 'object' ? d.fields : {}) as Record<string, unknown>,
    deviceId: e.deviceId,
    eventId: e.eventId,
    ts: e.ts,
    seq: e.seq
  }
}

/** The event as it was sent (kept in the review queue so a person can accept or merge it later). */
export function eventData (d: Discovered): Record<string, unknown> {
  return {
    source: d.source,
    ciType: d.ciType,
    ...(d.name ? { name: d.name } : {}),
    ...(d.site ? { site: d.site } : {}),
    ...(d.serial ? { serial: d.serial } : {}),
    ...(d.hardwareUuid ? { hardwareUuid: d.hardwareUuid } : {}),
    ...(d.macs.length > 0 ? { macs: d.macs } : {}),
    ...(d.hostname ? { hostname: d.hostname } : {}),
    ...(Object.keys(d.fields).length > 0 ? { fields: d.fields } : {})
  }
}

/** One open review item per identity: the same ambiguous asset reported again updates it. */
export const identityOf = (d: Discovered): string =>
  `s=${d.serial ?? ''};u=${d.hardwareUuid ?? ''};m=${d.macs.join(',')};h=${d.hostname ?? ''}`.slice(0, 400)

/** The first name a new CI can have: the event's name, else its identifiers. */
export const nameOf = (d: Discovered): string => (d.name ?? d.hostname ?? d.serial ?? d.hardwareUuid ?? d.macs[0] ?? 'unnamed').slice(0, 200)

export const provenanceOf = (d: Discovered): Provenance => ({
  by: 'discovery', deviceId: d.deviceId, source: d.source, ...(d.eventId ? { eventId: d.eventId } : {}), at: d.ts
})
