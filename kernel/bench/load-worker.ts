// Worker thread: runs autocannon off the main thread so the load generator does not share the
// server's event loop. Inside a worker autocannon returns its raw (encoded) result, so it is
// aggregated here (latency percentiles); req/s is completed requests over the run's duration.
import { parentPort, workerData } from 'node:worker_threads'
import autocannon from 'autocannon'

const raw = await autocannon(workerData)
const result = autocannon.aggregateResult([raw], workerData)
parentPort?.postMessage({
  rps: result.requests.total / result.duration,
  total: result.requests.total,
  duration: result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx
})
