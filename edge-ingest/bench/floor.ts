/**
 * The durable floor of the ingest bench: about the least any single-event ingest with a durable
 * 202 has to do, as a reference beside the real route. A Fastify route without logger, hooks or
 * schemas; the device key compared with the one key; the body parsed with JSON.parse; one group commit in
 * flight at a time on one connection, calling the same `ingest_commit` (migration 008) with the
 * same binary arrays as the kernel; 202 after the commit. No validation, rate limits, feature
 * checks, last-contact updates or duplicate handling: what the real route costs beyond this is
 * the price of those, and what this costs beyond the bare route is the price of durability here.
 */
import Fastify from 'fastify'
import pg from 'pg'
import { int4Array, textArray, uuidArray } from '@monozu/kernel/testing/bench'

interface Pending { events: Array<{ id: string | null, text: string }>, resolve: () => void, reject: (err: unknown) => void }

export async function startFloor (databaseUrl: string, device: { tenantId: string, deviceId: string, key: string }): Promise<{ url: string, close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  let pending: Pending[] = []
  let committing = false
  let armed = false

  function commit (): void {
    armed = false
    if (committing || pending.length === 0) return
    const batch = pending
    pending = []
    committing = true
    const events = batch.flatMap(p => p.events)
    const payload = `[${events.map(e => `{"d":"${device.deviceId}","e":${JSON.stringify(e.id)},"s":${e.text}}`).join(',')}]`
    client.query({
      name: 'floor_commit',
      text: 'select ingest_commit($1, $2, $3, $4, $5, $6, $7)',
      values: [device.tenantId, uuidArray([device.deviceId]), int4Array(events.map(() => 1)), textArray(events.map(e => e.id)), textArray(['telemetry']), textArray([payload]), int4Array([events.length])]
    }).then(() => { for (const p of batch) p.resolve() }, err => { for (const p of batch) p.reject(err) })
      .finally(() => { committing = false; arm() })
  }
  // Like the real group commit: a batch goes when the turn that brought its requests ends.
  function arm (): void {
    if (!armed && !committing && pending.length > 0) { armed = true; setImmediate(commit) }
  }

  const app = Fastify({ logger: false, bodyLimit: 5 * 1024 * 1024 })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body))
  app.post('/v1/ingest', async (request, reply) => {
    if (request.headers['x-device-key'] !== device.key) return reply.code(401).send({ code: 'invalid_device_key' })
    const body = JSON.parse(request.body as string) as { events: Array<{ id?: string }> }
    const events = body.events.map(e => ({ id: e.id ?? null, text: JSON.stringify(e) }))
    await new Promise<void>((resolve, reject) => {
      pending.push({ events, resolve, reject })
      arm()
    })
    return reply.code(202).send({ accepted: events.length, duplicates: 0, rejected: [] })
  })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { url, close: async () => { await app.close(); await client.end() } }
}
