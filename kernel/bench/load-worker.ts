// Worker thread: runs autocannon off the main thread so the load generator does not share the
// server's event loop. Inside a worker autocannon returns its raw result (encoded histograms),
// which load.ts aggregates.
import { parentPort, workerData } from 'node:worker_threads'
import autocannon from 'autocannon'

parentPort?.postMessage(await autocannon(workerData))
