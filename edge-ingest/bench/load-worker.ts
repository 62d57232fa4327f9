// Worker thread: autocannon posting telemetry bodies whose event ids are unique per request, so
// the bench measures storing events rather than recognising duplicates. (autocannon's own
// idReplacement sent no requests at all with autocannon 8 here.)
import { randomBytes } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'
import autocannon from 'autocannon'

const { per, keys, ...options } = workerData as { per: number, keys?: string[], url: string, connections: number, duration: number, headers: Record<string, string>, timeout: number }
const run = randomBytes(4).toString('hex')
const metrics = '"metrics":{"cpu.percent":12.5,"mem.percent":61.2,"disk.percent":70.1,"net.rx_kbps":1830}'
let n = 0

/** The same body as the bare baseline parses: `per` telemetry events, ids `<run>-<request>-<i>`. */
export function body (): string {
  const base = `${run}-${n++}`
  const events = new Array<string>(per)
  for (let i = 0; i < per; i++) events[i] = `{"id":"${base}-${i}",${metrics}}`
  return `{"kind":"telemetry","events":[${events.join(',')}]}`
}

// With `keys`, each request carries the next device key in turn (one device per tenant).
let turn = 0
const keyed = (request: Record<string, unknown>) => (keys ? { ...request, headers: { ...options.headers, 'x-device-key': keys[turn++ % keys.length] } } : request)

parentPort?.postMessage(await autocannon({
  ...options,
  requests: [{ method: 'POST', setupRequest: (request: Record<string, unknown>) => ({ ...keyed(request), body: body() }) }]
} as Parameters<typeof autocannon>[0]))
