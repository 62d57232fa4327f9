import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import { ApiError } from '@monozu/kernel'
import { eventSources } from './sources.ts'

const gunzipAsync = promisify(gunzip)
const JSON_TYPES = new Set(['application/json'])
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl'])
export const MEDIA_TYPES: ReadonlySet<string> = new Set([...JSON_TYPES, ...NDJSON_TYPES])

/** What stands in for an event that cannot be one (not JSON, not an object, another kind). */
export class InvalidEvent {
  readonly why: string
  constructor (why: string) { this.why = why }
}

export type RawEvent = Record<string, unknown> | InvalidEvent

export interface ParsedBody {
  /** The request's kind (JSON); each event names its own in NDJSON. */
  kind: string | null
  /** Events in request order. */
  events: RawEvent[]
  /** Each event's JSON text as sent, in the same order (null: not found; the events are serialised instead). */
  sources: string[] | null
}

/** The events' texts, or null should the scan ever disagree with JSON.parse on their number. */
function sourcesOf (text: string, count: number): string[] | null {
  try {
    const sources = eventSources(text)
    return sources !== null && sources.length === count ? sources : null
  } catch {
    return null
  }
}

// Appliances send a bare known type on every request: that one is answered without splitting it.
const mediaType = (header: string | undefined) => (header !== undefined && MEDIA_TYPES.has(header) ? header : (header ?? '').split(';')[0]!.trim().toLowerCase())

/** Decompresses a gzip body without ever producing more than `maxBytes` (decompression bombs stop there). */
export async function decode (raw: Buffer, encoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const coding = (encoding ?? 'identity').trim().toLowerCase()
  if (coding === 'identity' || coding === '') return raw
  if (coding !== 'gzip' && coding !== 'x-gzip') throw new ApiError('unsupported_media_type', `Content-Encoding "${encoding}" is not supported; send gzip or no encoding`)
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes })
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ApiError('payload_too_large', `The body is larger than ${maxBytes} bytes once decompressed`)
    throw new ApiError('bad_request', 'The body is not valid gzip')
  }
}

function tooMany (count: number, max: number): ApiError {
  return new ApiError('payload_too_large', `At most ${max} events per request; this one has ${count}`)
}

/** `{ kind, events: [...] }` as JSON, or NDJSON with one `{ kind, ... }` per line. */
export function parse (body: Buffer, contentType: string | undefined, maxEvents: number): ParsedBody {
  const type = mediaType(contentType)
  if (JSON_TYPES.has(type)) {
    const text = body.toString('utf8')
    let doc: unknown
    try { doc = JSON.parse(text) } catch (err) { throw new ApiError('bad_request', `The body is not valid JSON: ${(err as Error).message}`) }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ApiError('validation_failed', 'body: must be an object { kind, events: [...] }')
    const { kind, events } = doc as { kind?: unknown, events?: unknown }
    for (const key in doc) if (key !== 'kind' && key !== 'events') throw new ApiError('validation_failed', `body/${key}: unknown field "${key}"`)
    if (typeof kind !== 'string' || kind.length === 0) throw new ApiError('validation_failed', 'body/kind: must be a non-empty string')
    if (!Array.isArray(events) || events.length === 0) throw new ApiError('validation_failed', 'body/events: must be a non-empty array')
    if (events.length > maxEvents) throw tooMany(events.length, maxEvents)
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as unknown
      if (typeof e !== 'object' || e === null || Array.isArray(e)) events[i] = new InvalidEvent('an event must be a JSON object')
      else if ((e as { kind?: unknown }).kind !== undefined && (e as { kind?: unknown }).kind !== kind) events[i] = new InvalidEvent(`the event's kind "${String((e as { kind?: unknown }).kind)}" differs from the request's kind "${kind}"`)
    }
    return { kind, events: events as RawEvent[], sources: sourcesOf(text, events.length) }
  }
  if (NDJSON_TYPES.has(type)) {
    const lines = body.toString('utf8').split('\n').filter(line => line.trim() !== '')
    if (lines.length === 0) throw new ApiError('validation_failed', 'body: no events (NDJSON needs one JSON object per line)')
    if (lines.length > maxEvents) throw tooMany(lines.length, maxEvents)
    return {
      kind: null,
      sources: lines,
      events: lines.map(line => {
        try {
          const event = JSON.parse(line)
          return typeof event === 'object' && event !== null && !Array.isArray(event) ? event : new InvalidEvent('a line must be a JSON object')
        } catch (err) { return new InvalidEvent(`not valid JSON: ${(err as Error).message}`) }
      })
    }
  }
  throw new ApiError('unsupported_media_type', `Content-Type "${contentType ?? ''}" is not supported; send application/json or application/x-ndjson`)
}
