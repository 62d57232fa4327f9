import { Worker } from 'node:worker_threads'

export interface LoadResult {
  /** Completed requests per second over the whole run. */
  rps: number
  total: number
  duration: number
  /** Latency percentiles in ms. */
  p50: number
  p99: number
  errors: number
  timeouts: number
  non2xx: number
}

export interface LoadOptions { url: string, connections: number, duration: number, headers?: Record<string, string> }

/** Drives `url` with autocannon in a worker thread (its own event loop, next to the server's). */
export function load (options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: { ...options, timeout: 10 } })
    let done = false
    worker.once('message', (result: LoadResult) => { done = true; resolve(result) })
    worker.once('error', reject)
    worker.once('exit', code => { if (!done) reject(new Error(`autocannon worker exited with ${code} before reporting`)) })
  })
}
