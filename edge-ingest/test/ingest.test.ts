import t from 'tap'
import { gzipSync } from 'node:zlib'
import { waitFor, type TestKernel } from '@monozu/kernel/testing'
import { enrolledDevice, enrollmentToken, licensedTenant, register, startDevicesKernel } from '@monozu/plugin-devices/testing'

let k: TestKernel
t.before(async () => {
  k = await startDevicesKernel({ config: { adminPanelEnabled: true }, pluginConfig: { 'edge-ingest': { maxEvents: 1000, maxBodyBytes: 1024 * 1024, deviceBurst: 1000, tenantBurst: 100000 } } })
})
t.teardown(() => k?.close())

type Headers = Record<string, string>
const ingest = (key: string, body: unknown, headers: Headers = {}) => k.request('POST', '/v1/ingest', {
  headers: { 'content-type': 'application/json', 'x-device-key': key, ...headers },
  body: Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body)
})
const telemetry = (n: number, prefix = 'e') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, ts: new Date(Date.now() - (n - i) * 1000).toISOString(), metrics: { 'cpu.percent': 10 + i, 'mem.percent': 50 } }))

t.test('JSON telemetry is acknowledged once stored and reaches the device\'s metrics', async t => {
  const d = await enrolledDevice(k)
  const res = await ingest(d.deviceKey, { kind: 'telemetry', events: telemetry(5) })
  t.equal(res.status, 202)
  t.same(res.body, { accepted: 5, duplicates: 0, rejected: [] })
  const metrics = await waitFor('both metrics\' series', async () => {
    const body = (await k.request('GET', `/api/v1/devices/${d.deviceId}/metrics?step=3600`, { token: d.member })).body
    return body.series?.length === 2 && body
  })
  const cpu = metrics.series.find((s: { name: string }) => s.name === 'cpu.percent')
  t.equal(cpu.points.reduce((n: number, p: { count: number }) => n + p.count, 0), 5, 'every sample stored once')
  t.equal(Math.max(...cpu.points.map((p: { max: number }) => p.max)), 14)
  const dev = await waitFor('the device\'s last contact', async () => {
    const body = (await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })).body
    return body.lastSeenAt !== null && body
  })
  t.equal(dev.status, 'online', 'ingest counts as contact')
})

t.test('contacts of devices in many tenants are all recorded, each in its own tenant', async t => {
  const fleet = await Promise.all(Array.from({ length: 5 }, () => enrolledDevice(k)))
  for (const d of fleet) t.equal((await ingest(d.deviceKey, { kind: 'telemetry', events: telemetry(1, 'contact') })).status, 202)
  for (const d of fleet) {
    const seen = await waitFor('the device\'s last contact', async () => (await k.request('GET', `/api/v1/devices/${d.deviceId}`, { token: d.member })).body.lastSeenAt)
    t.ok(Math.abs(Date.parse(seen) - Date.now()) < 10_000, `contact recorded for ${d.deviceId}`)
  }
  const other = await k.request('GET', `/api/v1/devices/${fleet[1]!.deviceId}`, { token: fleet[0]!.member })
  t.equal(other.status, 404, 'another tenant\'s device stays out of sight')
})

t.test('event ids are de-duplicated per device, within a request and across requests', async t => {
  const d = await enrolledDevice(k)
  const events = telemetry(3, 'dup')
  t.same((await ingest(d.deviceKey, { kind: 'telemetry', events })).body, { accepted: 3, duplicates: 0, rejected: [] })
  t.same((await ingest(d.deviceKey, { kind: 'telemetry', events: [...events, events[0]] })).body, { accepted: 0, duplicates: 4, rejected: [] }, 'a retry stores nothing twice')
  const fresh = { id: 'dup-new', metrics: { 'cpu.percent': 1 } }
  t.same((await ingest(d.deviceKey, { kind: 'telemetry', events: [fresh, fresh, { metrics: { 'cpu.percent': 2 } }] })).body, { accepted: 2, duplicates: 1, rejected: [] }, 'events without id are never duplicates')
  const other = await register(k, await enrollmentToken(k, d.admin))
  t.same((await ingest(other.deviceKey, { kind: 'telemetry', events })).body.accepted, 3, 'the same ids from another device are new')
})

t.test('NDJSON and gzip; bad events are rejected one by one', async t => {
  const d = await enrolledDevice(k)
  const lines = [
    JSON.stringify({ kind: 'log', id: 'l1', level: 'info', message: 'backup finished' }),
    '{ not json',
    JSON.stringify({ kind: 'log', level: 'loud', message: 'x' }),
    JSON.stringify({ kind: 'telemetry', metrics: { 'cpu.percent': 'high' } }),
    JSON.stringify({ kind: 'security_alert', severity: 'high' }),
    JSON.stringify({ kind: 'weather', temp: 3 }),
    JSON.stringify({ kind: 'log', id: 'x'.repeat(200), level: 'info', message: 'long id' }),
    JSON.stringify({ kind: 'log', ts: 'yesterday', level: 'info', message: 'bad ts' }),
    JSON.stringify({ kind: 'telemetry', ts: '2026-01-01T00:00:00Z', metrics: { 'disk.percent': 71 } })
  ].join('\n') + '\n'
  const res = await ingest(d.deviceKey, gzipSync(lines), { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' })
  t.equal(res.status, 202)
  t.equal(res.body.accepted, 2)
  t.same(res.body.rejected.map((r: { index: number, code: string }) => [r.index, r.code]), [
    [1, 'invalid_event'], [2, 'invalid_event'], [3, 'invalid_event'], [4, 'kind_not_enabled'], [5, 'unknown_kind'], [6, 'invalid_event'], [7, 'invalid_event']
  ])
  t.match(res.body.rejected[1].detail, /level/, 'the detail names the field')
  const logs = await waitFor('the one stored log line', async () => {
    const items = (await k.request('GET', `/api/v1/devices/${d.deviceId}/logs`, { token: d.member })).body.items
    return items.length === 1 && items
  })
  t.match(logs, [{ level: 'info', message: 'backup finished' }])
})

t.test('the consumer gets each event\'s fields exactly as sent, however the body was formatted', async t => {
  const d = await enrolledDevice(k)
  const messages: string[] = ['quotes " and \\ backslashes \\"', 'brackets ]}[{ , : inside', 'ünïcødé ✓ 😀 \u0000 \t tab', '{"json":"in a string"}']
  // Hand-written JSON: escapes JSON.stringify would not write, whitespace everywhere, the envelope in the middle.
  const json = `{ "kind" : "log" ,\n "events" : [\n${messages.map((m, i) => `  { "level" : "info" , "id" : "m${i}" , "ts" : "2026-01-0${i + 1}T00:00:00Z" ,\t"message" : ${JSON.stringify(m).replace(/e/g, '\\u0065')} }`).join(' ,\n')}\n] }`
  const res = await ingest(d.deviceKey, json)
  t.same(res.body, { accepted: 4, duplicates: 0, rejected: [] })
  const ndjson = `${JSON.stringify({ kind: 'log', id: 'n1', level: 'warn', message: messages[0], source: 'agent' })}\r\n  ${JSON.stringify({ level: 'error', kind: 'log', message: messages[2] })}  \n`
  t.same((await ingest(d.deviceKey, ndjson, { 'content-type': 'application/x-ndjson' })).body, { accepted: 2, duplicates: 0, rejected: [] })
  const logs = await waitFor('six stored log lines', async () => {
    const items = (await k.request('GET', `/api/v1/devices/${d.deviceId}/logs?limit=50`, { token: d.member })).body.items as Array<{ message: string, level: string, source: string | null, ts: string }>
    return items.length === 6 && items
  })
  const stored = (m: string) => m.replaceAll('\u0000', '\ufffd')
  t.same(logs.map(l => l.message).sort(), [...messages, messages[0] as string, messages[2] as string].map(stored).sort(), 'every message byte for byte (a NUL, which PostgreSQL text cannot hold, as U+FFFD)')
  t.same(logs.filter(l => l.level === 'info').map(l => l.ts).sort(), [1, 2, 3, 4].map(n => `2026-01-0${n}T00:00:00.000Z`), 'the envelope\'s ts, not the event\'s fields')
  t.same(logs.find(l => l.level === 'warn')?.source, 'agent')
  const sent = Date.now()
  t.ok(logs.filter(l => l.level !== 'info').every(l => Math.abs(Date.parse(l.ts) - sent) < 60_000), 'an event without ts takes the time it was received')
})

t.test('bad requests are 4xx problems, never 500', async t => {
  const d = await enrolledDevice(k)
  const cases: Array<[string, () => Promise<{ status: number, body: any }>, number, string?]> = [
    ['no key', () => k.request('POST', '/v1/ingest', { headers: { 'content-type': 'application/json' }, body: '{}' }), 401, 'invalid_device_key'],
    ['garbage key', () => ingest('mzd_garbage', { kind: 'telemetry', events: telemetry(1) }), 401, 'invalid_device_key'],
    ['not JSON', () => ingest(d.deviceKey, '{"kind":'), 400],
    ['no events', () => ingest(d.deviceKey, { kind: 'telemetry', events: [] }), 400],
    ['events not an array', () => ingest(d.deviceKey, { kind: 'telemetry', events: {} }), 400],
    ['unknown top-level field', () => ingest(d.deviceKey, { kind: 'telemetry', events: telemetry(1), extra: true }), 400],
    ['too many events', () => ingest(d.deviceKey, { kind: 'telemetry', events: telemetry(1001) }), 413, 'payload_too_large'],
    ['body too large', () => ingest(d.deviceKey, { kind: 'log', events: [{ level: 'info', message: 'x'.repeat(2 * 1024 * 1024) }] }), 413],
    ['text/plain', () => ingest(d.deviceKey, 'hello', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
    ['brotli', () => ingest(d.deviceKey, Buffer.from('xx'), { 'content-encoding': 'br' }), 415],
    ['broken gzip', () => ingest(d.deviceKey, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }), 400],
    ['gzip bomb', () => ingest(d.deviceKey, gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' }), 413, 'payload_too_large']
  ]
  for (const [name, send, status, code] of cases) {
    const res = await send()
    t.equal(res.status, status, name)
    t.match(String((res as { headers?: Record<string, string> }).headers?.['content-type'] ?? 'application/problem+json'), /problem\+json/, `${name}: problem+json`)
    if (code) t.equal(res.body.code, code, name)
  }
  t.ok(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)).length < 100 * 1024, 'the bomb is small on the wire')
})

t.test('revoked and rotated-out keys, other tenants and disabled kinds', async t => {
  const d = await enrolledDevice(k)
  const rotated = await k.request('POST', `/api/v1/devices/${d.deviceId}/rotate-key`, { token: d.admin })
  t.equal((await ingest(rotated.body.deviceKey, { kind: 'telemetry', events: telemetry(1, 'r') })).status, 202)
  await k.owner('device_keys').where({ device_id: d.deviceId }).whereNotNull('valid_until').update({ valid_until: new Date(Date.now() - 1000) })
  // The overlap ended in the database; this instance's cache honours the end it already knew.
  const victim = await enrolledDevice(k)
  await k.request('POST', `/api/v1/devices/${victim.deviceId}/revoke`, { token: victim.admin })
  const revoked = await ingest(victim.deviceKey, { kind: 'telemetry', events: telemetry(1) })
  t.equal(revoked.status, 401, 'a revoked key is refused at once')
  t.equal(revoked.body.code, 'invalid_device_key')

  const b = await licensedTenant(k)
  const res = await ingest(d.deviceKey.replace(d.tenant.id.replace(/-/g, ''), b.tenant.id.replace(/-/g, '')), { kind: 'telemetry', events: telemetry(1) })
  t.equal(res.status, 401, 'a key re-addressed to another tenant is refused')
  t.equal((await k.request('GET', `/api/v1/devices/${d.deviceId}/metrics`, { token: b.admin })).status, 404, 'B cannot read A\'s telemetry')

  const operator = await k.signInOperator()
  await k.request('PUT', `/api/v1/admin/tenants/${d.tenant.id}/features/ingest`, { token: operator.token, body: { enabled: false } })
  await new Promise(resolve => setTimeout(resolve, 2100))
  const off = await ingest(rotated.body.deviceKey, { kind: 'telemetry', events: telemetry(1, 'off') })
  t.equal(off.status, 403, 'ingest switched off for the tenant')
  t.equal(off.body.code, 'feature_disabled')
  await k.request('PUT', `/api/v1/admin/tenants/${d.tenant.id}/features/ingest`, { token: operator.token, body: { enabled: true } })
  await k.request('PUT', `/api/v1/admin/tenants/${d.tenant.id}/features/devices`, { token: operator.token, body: { enabled: false } })
  await new Promise(resolve => setTimeout(resolve, 2100))
  const noKind = await ingest(rotated.body.deviceKey, { kind: 'telemetry', events: telemetry(2, 'nokind') })
  t.equal(noKind.status, 202)
  t.same(noKind.body.rejected.map((r: { code: string }) => r.code), ['kind_not_enabled', 'kind_not_enabled'], 'a kind whose module is off is refused per event')
})

t.test('rate limits answer 429 with Retry-After; a full queue or a storage failure 503', async t => {
  const limited = await startDevicesKernel({ pluginConfig: { 'edge-ingest': { maxEvents: 100, deviceRate: 10, deviceBurst: 100, tenantRate: 0, maxQueuedEvents: 150 } } })
  t.teardown(() => limited.close())
  const d = await enrolledDevice(limited)
  const send = (key: string, n: number, prefix: string) => limited.request('POST', '/v1/ingest', { headers: { 'content-type': 'application/json', 'x-device-key': key }, body: JSON.stringify({ kind: 'telemetry', events: telemetry(n, prefix) }) })
  t.equal((await send(d.deviceKey, 100, 'a')).status, 202)
  const slow = await send(d.deviceKey, 50, 'b')
  t.equal(slow.status, 429)
  t.equal(slow.body.code, 'too_many_requests')
  t.ok(Number(slow.headers['retry-after']) >= 4, `Retry-After ${slow.headers['retry-after']} s covers the deficit`)
  const other = await register(limited, await enrollmentToken(limited, d.admin))
  t.equal((await send(other.deviceKey, 10, 'c')).status, 202, 'the limit is per device')

  // Storage refuses writes: nothing is half-stored and the client is told to come back.
  const third = await register(limited, await enrollmentToken(limited, d.admin))
  await limited.owner.raw('revoke insert on ingest_inbox from monozu_app')
  const failed = await send(third.deviceKey, 5, 'f')
  await limited.owner.raw('grant insert on ingest_inbox to monozu_app')
  t.equal(failed.status, 503)
  t.ok(Number(failed.headers['retry-after']) >= 1)
  const retried = await send(third.deviceKey, 5, 'f')
  t.same(retried.body, { accepted: 5, duplicates: 0, rejected: [] }, 'the retry stores everything: the failed commit kept nothing, not even the ids')
})

t.test('a queue beyond its bound refuses with 503', async t => {
  const tiny = await startDevicesKernel({ pluginConfig: { 'edge-ingest': { maxEvents: 100, deviceBurst: 100, tenantBurst: 100, maxQueuedEvents: 10 } } })
  t.teardown(() => tiny.close())
  const d = await enrolledDevice(tiny)
  const res = await tiny.request('POST', '/v1/ingest', { headers: { 'content-type': 'application/json', 'x-device-key': d.deviceKey }, body: JSON.stringify({ kind: 'telemetry', events: telemetry(11) }) })
  t.equal(res.status, 503)
  t.equal(res.body.code, 'service_unavailable')
  t.equal(res.headers['retry-after'], '1')
})

t.test('hundreds of concurrent requests share commits and every one is answered', async t => {
  const busy = await startDevicesKernel({ pluginConfig: { 'edge-ingest': { commitConcurrency: 4, deviceRate: 0, tenantRate: 0 } } })
  t.teardown(() => busy.close())
  const d = await enrolledDevice(busy)
  const started = Date.now()
  // 30 clients, each sending its next request when the last one is answered: commits finish
  // while others run and new requests arrive in between.
  const answers: Array<{ status: number, body: { accepted: number } }> = []
  await Promise.all(Array.from({ length: 30 }, async (_, c) => {
    for (let i = 0; i < 10; i++) {
      const res = await Promise.race([
        busy.request('POST', '/v1/ingest', {
          headers: { 'content-type': 'application/json', 'x-device-key': d.deviceKey },
          body: JSON.stringify({ kind: 'telemetry', events: [{ id: `c-${c}-${i}`, metrics: { 'cpu.percent': i } }] })
        }),
        new Promise<{ status: number, body: { accepted: number } }>(resolve => setTimeout(() => resolve({ status: 0, body: { accepted: 0 } }), 20_000))
      ])
      answers.push(res)
      if (res.status === 0) return
    }
  }))
  t.same([...new Set(answers.map(a => a.status))], [202], 'every request is answered 202 within 20 s (none left waiting in a dropped queue)')
  t.equal(answers.reduce((n, a) => n + a.body.accepted, 0), 300)
  t.ok(Date.now() - started < 60_000)
  const seen = await busy.owner('ingest_seen').where({ device_id: d.deviceId }).count({ n: '*' }).first()
  t.equal(Number(seen?.n), 300, 'each event id stored once')
})
