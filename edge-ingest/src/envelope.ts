import type { IngestEventInput, IngestKind } from '@monozu/kernel'
import { InvalidEvent, type RawEvent } from './body.ts'

/** The kinds of the platform: one whose plugin is not installed is "not enabled", not "unknown". */
export const PLATFORM_KINDS = new Set(['telemetry', 'log', 'security_alert', 'discovery', 'backup_event'])

const MAX_FUTURE_MS = 24 * 3600_000
const idPattern = /^[\x21-\x7e]{1,128}$/

export interface Rejection { index: number, code: string, detail: string }

/**
 * Splits an event into its envelope (kind, id, ts) and its own fields, and checks both:
 * the envelope here, the fields against the declaring plugin's schema.
 */
export function checkEvent (raw: RawEvent, source: string | undefined, requestKind: string | null, index: number, deviceId: string,
  kinds: ReadonlyMap<string, IngestKind>, enabled: ReadonlySet<string>): { event: IngestEventInput } | { rejection: Rejection } {
  if (raw instanceof InvalidEvent) return { rejection: { index, code: 'invalid_event', detail: raw.why } }
  const { kind: own, id, ts, ...data } = raw
  const kind = requestKind ?? own
  if (typeof kind !== 'string') return { rejection: { index, code: 'invalid_event', detail: 'kind: must be a string' } }
  const known = kinds.get(kind)
  if (!known) {
    return PLATFORM_KINDS.has(kind)
      ? { rejection: { index, code: 'kind_not_enabled', detail: `no installed module takes "${kind}" events` } }
      : { rejection: { index, code: 'unknown_kind', detail: `"${kind}" is not an event kind` } }
  }
  if (!enabled.has(kind)) return { rejection: { index, code: 'kind_not_enabled', detail: `the module that takes "${kind}" events is not enabled for this tenant` } }
  if (id !== undefined && (typeof id !== 'string' || !idPattern.test(id))) return { rejection: { index, code: 'invalid_event', detail: 'id: must be 1-128 printable ASCII characters' } }
  let at: string | undefined
  if (ts !== undefined) {
    const time = typeof ts === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(ts) ? Date.parse(ts) : Number.NaN
    if (Number.isNaN(time)) return { rejection: { index, code: 'invalid_event', detail: 'ts: must be an ISO 8601 date-time' } }
    if (time > Date.now() + MAX_FUTURE_MS) return { rejection: { index, code: 'invalid_event', detail: 'ts: is more than 24 hours in the future' } }
    at = new Date(time).toISOString()
  }
  const check = known.check(data)
  if (!check.ok) return { rejection: { index, code: 'invalid_event', detail: check.detail } }
  // No ts: the kernel takes the time its inbox received the event.
  const event: IngestEventInput = { deviceId, kind, eventId: (id as string | undefined) ?? null, data }
  if (at !== undefined) event.ts = at
  if (source !== undefined) event.source = source
  return { event }
}
