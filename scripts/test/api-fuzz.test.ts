import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestKernel, type Response, type TestKernel } from '@monozu/kernel/testing'

// Walks the OpenAPI document of a kernel with every first-party plugin and sends each operation
// the input that once gave 500s: NUL in any string (path, query, body at any depth, a CSV cell),
// hand-made cursors, numbers beyond any column, wrong types and malformed refresh cookies. Every
// answer must be below 500, and every 4xx a problem+json with a `code`.

const root = fileURLToPath(new URL('../..', import.meta.url))
const pluginDirs = [
  ...readdirSync(join(root, 'plugins')).map(d => join(root, 'plugins', d)),
  join(root, 'edge-ingest')
].filter(d => existsSync(join(d, 'plugin.json')))

const INTERNAL_TOKEN = 'fuzz-internal-token-0123456789abcdef'
const ORIGIN = 'https://app.fuzz.example'
type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
type Schema = Record<string, any>
interface Operation { method: string, path: string, op: Record<string, any> }
interface Probe { what: string, method: string, url: string, body?: unknown, headers?: Record<string, string> }

/** Mulberry32: the same sequence on every run, so a failure names a probe that can be re-run. */
function seeded (seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
const random = seeded(20261207)
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('')
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** Cursors no list returned: not base64 JSON, the wrong shape, or right names with wrong kinds. */
const cursors = [
  '%%%', b64('not json'), b64([1, 2]), b64(null), b64({}),
  b64({ id: 'not-a-uuid', at: 'not-a-date', createdAt: '2024-13-45T99:00:00Z', seq: 'abc', s: 'name', k: '["x","not-a-uuid"]', slug: 'a\u0000', email: 'a\u0000', hostname: 'x' }),
  b64({ id: uuid(), at: '0000-01-01T00:00:00.000Z', createdAt: '+275760-09-13T00:00:00.000Z', seq: '99999999999999999999999', s: 'name', k: '[1e400,"x"]', slug: 'x', email: 'x@example.com', hostname: 'x' }),
  b64({ id: 1e308, at: 1, createdAt: -1, seq: 1e308, s: 1, k: 1, slug: 1, email: 1, hostname: 1 }),
  b64({ id: uuid(), at: '2024-01-02T03:04:05.000Z', createdAt: '2024-02-30T00:00:00.000Z', seq: '-1.5', s: 'name', k: '{"a":1}', slug: 'x'.repeat(300), email: 'x', hostname: 'x' })
]
const hugeNumbers = ['1e400', '99999999999999999999999', '-99999999999999999999999', '1.5', 'NaN', 'abc']
const badCookies = [
  `------------------------------------.${'A'.repeat(43)}`,
  `${uuid()}.${'A'.repeat(43)}`,
  `${'0'.repeat(36)}.${'A'.repeat(43)}`,
  '%00', '%E0%A4%A', 'a'.repeat(4000), `${uuid()}.%00${'A'.repeat(40)}`, '"unterminated'
]

/** A value the schema accepts, as small as it allows. */
function sample (s: Schema | undefined, depth = 0): Json {
  if (!s || depth > 6) return 'fuzz'
  if (s.const !== undefined) return s.const
  if (Array.isArray(s.enum)) return s.enum[0]
  for (const k of ['anyOf', 'oneOf']) if (Array.isArray(s[k])) return sample(s[k].find((x: Schema) => x.type !== 'null') ?? s[k][0], depth + 1)
  if (Array.isArray(s.allOf)) return sample(Object.assign({}, ...s.allOf), depth + 1)
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type
  switch (type) {
    case 'integer': case 'number': return typeof s.minimum === 'number' ? s.minimum : typeof s.maximum === 'number' ? Math.min(1, s.maximum) : 1
    case 'boolean': return true
    case 'array': return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items, depth + 1))
    case 'object': case undefined: {
      if (!s.properties && type === undefined) return 'fuzz'
      const out: Record<string, Json> = {}
      for (const key of s.required ?? []) out[key] = sample(s.properties?.[key], depth + 1)
      return out
    }
    default: return sampleString(s)
  }
}

function sampleString (s: Schema): string {
  const byFormat: Record<string, string> = { uuid: uuid(), 'date-time': '2024-01-02T03:04:05.000Z', date: '2024-01-02', email: 'fuzz@example.com', uri: 'https://example.com/', url: 'https://example.com/', hostname: 'fuzz.example' }
  if (s.format && byFormat[s.format]) return byFormat[s.format] as string
  const min = s.minLength ?? 0
  const candidates = ['fuzz', 'fuzz-1', 'fuzz.example', 'a1', 'x', '1', 'Fuzz', 'fuzz@example.com', 'https://example.com/', `${'a'.repeat(Math.max(min, 1))}`, uuid()]
  const fits = (c: string) => c.length >= min && c.length <= (s.maxLength ?? Infinity) && (!s.pattern || new RegExp(s.pattern, 'u').test(c))
  return candidates.find(fits) ?? 'fuzz'
}

/** Every leaf of an object schema as a path (arrays at index 0), with its schema. */
function leaves (s: Schema | undefined, path: Array<string | number> = [], depth = 0): Array<{ path: Array<string | number>, schema: Schema }> {
  if (!s || depth > 5) return []
  const one = s.anyOf?.[0] ?? s.oneOf?.[0]
  if (one) return leaves(one, path, depth + 1)
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type
  if (type === 'object' && s.properties) return Object.entries(s.properties as Record<string, Schema>).flatMap(([k, v]) => leaves(v, [...path, k], depth + 1))
  if (type === 'array' && s.items) return leaves(s.items, [...path, 0], depth + 1)
  return path.length > 0 ? [{ path, schema: s }] : []
}

/** The valid body with one leaf replaced (containers on the way are created). */
function withLeaf (base: Json, schema: Schema, path: Array<string | number>, value: Json): Json {
  const copy = structuredClone(base ?? {}) as Record<string | number, Json>
  let at: any = copy
  let s: Schema | undefined = schema
  path.forEach((key, i) => {
    s = typeof key === 'number' ? s?.items : s?.properties?.[key]
    if (i === path.length - 1) { at[key] = value; return }
    if (at[key] === undefined || at[key] === null || typeof at[key] !== 'object') at[key] = typeof path[i + 1] === 'number' ? [sample(s?.items)] : sample(s)
    at = at[key]
  })
  return copy
}

const nulled = (s: Schema) => {
  const v = sampleString(s)
  return `${v.slice(0, Math.max(0, v.length - 1))}\u0000`
}

function probes ({ method, path, op }: Operation): Probe[] {
  const params = (op.parameters ?? []) as Array<{ in: string, name: string, schema: Schema, required?: boolean }>
  const pathValues = Object.fromEntries(params.filter(p => p.in === 'path').map(p => [p.name, String(sample(p.schema))]))
  const urlOf = (values: Record<string, string>, query: Record<string, string> = {}) => {
    const u = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'fuzz'))
    const q = new URLSearchParams(query).toString()
    return q ? `${u}?${q}` : u
  }
  const required = Object.fromEntries(params.filter(p => p.in === 'query' && p.required).map(p => [p.name, String(sample(p.schema))]))
  const bodySchema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined
  const body = bodySchema ? sample(bodySchema) : undefined
  const base = { method, ...(body !== undefined ? { body } : {}) }
  const out: Probe[] = []
  for (const p of params) {
    if (p.in === 'path') {
      out.push({ ...base, what: `NUL in path ${p.name}`, url: urlOf({ ...pathValues, [p.name]: `${pathValues[p.name]}\u0000` }, required) })
      out.push({ ...base, what: `overlong path ${p.name}`, url: urlOf({ ...pathValues, [p.name]: 'x'.repeat(3000) }, required) })
      out.push({ ...base, what: `bad percent-encoding in path ${p.name}`, url: urlOf(pathValues, required).replace(encodeURIComponent(pathValues[p.name] as string), '%E0%A4%A') })
    }
    if (p.in !== 'query') continue
    const q = (v: string, what: string) => out.push({ ...base, what: `${what} in query ${p.name}`, url: urlOf(pathValues, { ...required, [p.name]: v }) })
    q(`${String(sample(p.schema))}\u0000`, 'NUL')
    q('\u0000', 'NUL alone')
    if (p.name === 'cursor') cursors.forEach((c, i) => q(c, `cursor #${i}`))
    const type = Array.isArray(p.schema?.type) ? p.schema.type[0] : p.schema?.type
    if (type === 'integer' || type === 'number') hugeNumbers.forEach(n => q(n, `number ${n}`))
    if (p.schema?.format === 'date-time' || p.schema?.format === 'date') ['2024-13-45T99:00:00Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '2024-02-30'].forEach(d => q(d, `date ${d}`))
  }
  const url = urlOf(pathValues, required)
  if (bodySchema) {
    for (const leaf of leaves(bodySchema)) {
      const name = leaf.path.join('/')
      out.push({ method, url, what: `NUL in body ${name}`, body: withLeaf(body as Json, bodySchema, leaf.path, nulled(leaf.schema)) })
      out.push({ method, url, what: `huge number in body ${name}`, body: withLeaf(body as Json, bodySchema, leaf.path, 1e308) })
      out.push({ method, url, what: `big integer in body ${name}`, body: withLeaf(body as Json, bodySchema, leaf.path, 2 ** 63) })
      out.push({ method, url, what: `object in body ${name}`, body: withLeaf(body as Json, bodySchema, leaf.path, { a: '\u0000' }) })
    }
    out.push({ method, url, what: 'NUL in an unknown body key', body: { ...(body as object), 'a\u0000': 'b\u0000' } })
    out.push({ method, url, what: 'a JSON string body', body: JSON.stringify('\u0000'), headers: { 'content-type': 'application/json' } })
    out.push({ method, url, what: 'JSON with a raw NUL byte', body: '{"a":"\u0000"}', headers: { 'content-type': 'application/json' } })
  }
  if (!bodySchema && method !== 'GET' && method !== 'DELETE') {
    // Bodies a route reads itself (ingest envelopes): NUL in a string an event carries.
    for (const kind of ['telemetry', 'log', 'discovery']) {
      out.push({ method, url, what: `NUL in a ${kind} event`, body: { kind, events: [{ id: uuid(), ts: '2024-01-02T03:04:05.000Z', level: 'info', message: 'a\u0000b', source: 'x\u0000', ciType: 'server', hostname: 'nul-host', fields: { os: 'x\u0000' }, metrics: { cpu: 1 } }] } })
    }
  }
  if (method !== 'GET' && method !== 'DELETE') {
    out.push({ method, url, what: 'NUL in a CSV cell', body: 'type,name,description\r\nvm,fuzz-\u0000-vm,x\r\n', headers: { 'content-type': 'text/csv' } })
    out.push({ method, url, what: 'NUL in a text body', body: 'a\u0000b', headers: { 'content-type': 'text/plain' } })
  }
  // With what a browser sends on a cookie route (X-Requested-With, an allowed Origin), so the cookie is read.
  for (const [i, c] of badCookies.entries()) out.push({ ...base, url, what: `malformed refresh cookie #${i}`, headers: { cookie: `__Host-monozu_rt=${c}`, 'x-requested-with': 'monozu', origin: ORIGIN } })
  return out
}

let k: TestKernel
const errorLines: string[] = []
t.before(async () => {
  k = await startTestKernel({
    plugins: pluginDirs,
    config: { adminPanelEnabled: true, internalTokens: [INTERNAL_TOKEN], allowedOrigins: [ORIGIN] },
    log: { level: 'error', stream: { write: (line: string) => { if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(line) } } }
  })
})
t.teardown(() => k?.close())

t.test('no operation answers 5xx or a problem without a code to malformed input', async t => {
  const tenant = await k.createTenant()
  const doc = (await k.request('GET', '/api/docs/json')).body
  const features = [...new Set(pluginDirs.map(d => (JSON.parse(readFileSync(join(d, 'plugin.json'), 'utf8')).license?.feature as string | undefined)).filter(f => f !== undefined))] as string[]
  await k.grantLicense(tenant, features)
  const admin = (await k.signIn(tenant, ['tenant-admin'])).token
  const operator = (await k.signInOperator()).token
  // Appliance routes authenticate by enrollment token or device key: probes carry real ones.
  const enrollment = (await k.request('POST', '/api/v1/devices/enrollment-tokens', { token: admin, body: {} })).body.token as string
  const registered = await k.request('POST', '/api/v1/devices/register', { headers: { 'x-enrollment-token': enrollment }, body: { hostname: 'fuzz-box', os: 'Debian 12', agentVersion: '1.0.0', hardwareId: uuid() } })
  t.equal(registered.status, 201)
  const machine = { 'x-enrollment-token': enrollment, 'x-device-key': registered.body.deviceKey as string }

  const operations: Operation[] = Object.entries(doc.paths as Record<string, Record<string, object>>)
    .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Record<string, any> })))
  t.ok(operations.length > 50, `${operations.length} operations in the OpenAPI document`)

  const started = Date.now()
  const failures: string[] = []
  let sent = 0
  const statuses = new Map<number, number>()
  for (const operation of operations) {
    const token = operation.path.startsWith('/api/v1/admin/') ? operator : admin
    for (const probe of probes(operation)) {
      const headers = { ...(probe.headers ?? {}), ...(operation.path.startsWith('/internal/') ? { 'x-internal-token': INTERNAL_TOKEN } : {}), ...machine }
      let res: Response
      try {
        res = await k.request(probe.method as 'GET', probe.url, { token, headers, ...(probe.body !== undefined ? { body: probe.body } : {}) })
      } catch (err) {
        failures.push(`${probe.method} ${probe.url} (${probe.what}): the request threw ${(err as Error).message}`)
        continue
      }
      sent++
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      const where = `${probe.method} ${operation.path} (${probe.what}) -> ${res.status}`
      if (res.status >= 500) failures.push(`${where}: ${JSON.stringify(res.body).slice(0, 200)}`)
      else if (res.status >= 400 && !(String(res.headers['content-type']).startsWith('application/problem+json') && typeof res.body?.code === 'string')) {
        failures.push(`${where}: not a problem+json with a code (${String(res.headers['content-type'])})`)
      }
    }
  }
  t.same(failures, [], `${sent} requests in ${Date.now() - started} ms: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${n}x${s}`).join(', ')}`)
  t.ok(sent > 1500, 'thousands of probes were sent')
  t.same(errorLines.map(l => l.slice(0, 300)), [], 'nothing was logged at error level (no SQL errors)')
  t.equal((await k.request('GET', '/api/v1/me', { token: admin })).status, 200, 'the admin was signed in throughout: the probes reached the handlers')
})
