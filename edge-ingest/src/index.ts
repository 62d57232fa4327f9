import { ApiError, definePlugin } from '@monozu/kernel'
import { devicesService } from '@monozu/plugin-devices/service'
import { DevicesError } from '@monozu/plugin-devices/errors'
import type { FastifyRequest } from 'fastify'
import { decode, InvalidEvent, MEDIA_TYPES, parse, type RawEvent } from './body.ts'
import { createBuckets } from './buckets.ts'
import { createContacts } from './contacts.ts'
import { checkEvent, type Rejection } from './envelope.ts'
import { createGroupCommit } from './group-commit.ts'

export interface IngestConfig {
  maxBodyBytes: number
  maxEvents: number
  batchWindowMs: number
  commitConcurrency: number
  parallelCommitEvents: number
  maxBatchEvents: number
  maxQueuedEvents: number
  deviceRate: number
  deviceBurst: number
  tenantRate: number
  tenantBurst: number
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'
}

declare module 'fastify' {
  interface FastifyRequest { ingestDevice?: { tenantId: string, deviceId: string } }
}

const responseSchema = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' } } } }
  }
} as const

export default definePlugin<IngestConfig>({
  start (ctx, app) {
    const config = ctx.config
    for (const [burst, name] of [[config.deviceBurst, 'deviceBurst'], [config.tenantBurst, 'tenantBurst']] as const) {
      if (burst < config.maxEvents) throw new Error(`${name} (${burst}) must be at least maxEvents (${config.maxEvents}), or a full request could never pass`)
    }
    const devices = ctx.service(devicesService)
    const groupCommit = createGroupCommit(ctx.ingest, ctx.log, {
      windowMs: config.batchWindowMs,
      maxBatchEvents: config.maxBatchEvents,
      maxQueuedEvents: config.maxQueuedEvents,
      concurrency: ctx.db.dialect === 'pglite' ? 1 : config.commitConcurrency,
      parallelMinEvents: config.parallelCommitEvents
    })
    const contacts = createContacts(ctx.db, devices, ctx.log)
    const deviceBuckets = createBuckets(config.deviceRate, config.deviceBurst)
    const tenantBuckets = createBuckets(config.tenantRate, config.tenantBurst)
    app.addHook('onClose', async () => {
      await groupCommit.close()
      await contacts.stop()
    })

    // The body is read raw and decoded here: gzip needs a decompressed-size cap, and NDJSON
    // lines that are not JSON are rejected one by one instead of failing the whole request.
    // The media types are named so that Fastify caches their parser; '*' takes any other type
    // for parse() to refuse with a 415 that names it.
    app.removeAllContentTypeParsers()
    const raw = (_request: unknown, body: Buffer | string, done: (err: null, body: Buffer | string) => void) => done(null, body)
    app.addContentTypeParser([...MEDIA_TYPES], { parseAs: 'buffer', bodyLimit: config.maxBodyBytes }, raw)
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: config.maxBodyBytes }, raw)

    // A JSON request names one kind: its answer is one of these shared sets, not two new ones.
    const only = new Map<string, ReadonlySet<string>>()
    const none: ReadonlySet<string> = new Set()

    /** The kinds named in the request that the tenant may send (a JSON request names one). */
    async function enabledKinds (tenantId: string, kind: string | null, events: RawEvent[], kinds: ReadonlyMap<string, unknown>): Promise<ReadonlySet<string>> {
      if (kind !== null) {
        if (!kinds.has(kind) || !await ctx.ingest.enabled(tenantId, kind)) return none
        let set = only.get(kind)
        if (!set) only.set(kind, set = new Set([kind]))
        return set
      }
      const named = new Set<string>()
      for (const e of events) if (!(e instanceof InvalidEvent) && typeof e.kind === 'string') named.add(e.kind)
      const enabled = new Set<string>()
      for (const k of named) if (kinds.has(k) && await ctx.ingest.enabled(tenantId, k)) enabled.add(k)
      return enabled
    }

    const rejectRate = (retryAfter: number, who: string) => new ApiError('too_many_requests', `The ${who} sends more events than its rate limit allows; retry after ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } })

    app.post('/v1/ingest', {
      config: { public: true },
      // Appliances call this thousands of times a second: Fastify's two info lines per request
      // would be most of the log. Failures (5xx) are still logged at warn and above.
      logLevel: config.logLevel,
      bodyLimit: config.maxBodyBytes,
      schema: {
        tags: ['edge-ingest'],
        summary: 'Events from an appliance (X-Device-Key): JSON { kind, events } or NDJSON, optionally gzip; 202 once stored',
        response: { 202: responseSchema }
      },
      // Before the body is read: an unauthenticated sender never gets to upload.
      onRequest: async (request: FastifyRequest) => {
        const identity = await devices.authenticate(request.headers['x-device-key'])
        if (!identity) throw new DevicesError('invalid_device_key', 'Send a valid device key in the X-Device-Key header', { headers: { 'www-authenticate': 'DeviceKey' } })
        if (!await ctx.enabledFor(identity.tenantId)) throw new ApiError('feature_disabled', 'Ingest is not enabled for this tenant')
        request.ingestDevice = identity
      }
    }, async (request, reply) => {
      const { tenantId, deviceId } = request.ingestDevice as { tenantId: string, deviceId: string }
      if (!Buffer.isBuffer(request.body)) throw new ApiError('validation_failed', 'body: send { kind, events } as JSON or NDJSON lines')
      const encoding = request.headers['content-encoding']
      const body = encoding === undefined ? request.body : await decode(request.body, encoding, config.maxBodyBytes)
      const { kind, events, sources } = parse(body, request.headers['content-type'], config.maxEvents)

      const deviceTake = deviceBuckets.take(deviceId, events.length)
      if (!deviceTake.ok) throw rejectRate(deviceTake.retryAfter, 'device')
      const tenantTake = tenantBuckets.take(tenantId, events.length)
      if (!tenantTake.ok) {
        deviceBuckets.refund(deviceId, events.length)
        throw rejectRate(tenantTake.retryAfter, 'tenant')
      }

      const kinds = ctx.ingest.kinds()
      const enabled = await enabledKinds(tenantId, kind, events, kinds)
      const rejected: Rejection[] = []
      const valid = []
      for (let index = 0; index < events.length; index++) {
        const checked = checkEvent(events[index] as RawEvent, sources?.[index], kind, index, deviceId, kinds, enabled)
        if ('rejection' in checked) rejected.push(checked.rejection)
        else valid.push(checked.event)
      }
      const stored = await groupCommit.submit(tenantId, valid)
      contacts.seen(tenantId, deviceId)
      let accepted = 0
      for (const s of stored) if (s) accepted++
      if (rejected.length > 0) request.log.info({ rejected: rejected.length, codes: [...new Set(rejected.map(r => r.code))] }, 'ingest events rejected')
      return reply.code(202).send({ accepted, duplicates: stored.length - accepted, rejected })
    })
  }
})
