// Worker thread: runs autocannon off the main thread so the load generator does not share the
// server's event loop.
import { parentPort, workerData } from 'node:worker_threads'
import autocannon from 'autocannon'

const result = await autocannon(workerData)
parentPort?.postMessage({
  rps: result.requests.average,
  total: result.requests.total,
  duration: result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx
})
