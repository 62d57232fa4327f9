import { Worker } from 'node:worker_threads'
import autocannon from 'autocannon'

/** duration: whole seconds (autocannon ends runs on its one-second ticks). */
export interface LoadOptions { url: string, connections: number, duration: number, headers?: Record<string, string> }

/** autocannon's raw result of one run (histograms encoded), as it reports from a worker thread. */
export interface RawResult { totalCompletedRequests: number, duration: number, errors: number, timeouts: number, non2xx: number }

export interface LoadResult {
  /** Completed requests per second over all runs. */
  rps: number
  total: number
  /** Seconds of load, summed over the runs. */
  duration: number
  /** Latency percentiles in ms over all runs. */
  p50: number
  p99: number
  errors: number
  timeouts: number
  non2xx: number
}

/** One autocannon run against `url` in a worker thread (its own event loop, beside the server's). */
export function loadRaw (options: LoadOptions): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: { ...options, timeout: 10 } })
    let done = false
    worker.once('message', (result: RawResult) => { done = true; resolve(result) })
    worker.once('error', reject)
    worker.once('exit', code => { if (!done) reject(new Error(`autocannon worker exited with ${code} before reporting`)) })
  })
}

/** Merges runs against the same URL (latency histograms added, requests and time summed). */
export function summarize (runs: RawResult[], options: Omit<LoadOptions, 'duration'>): LoadResult {
  const merged = autocannon.aggregateResult(runs, { ...options, duration: 1 })
  const total = runs.reduce((n, r) => n + r.totalCompletedRequests, 0)
  const duration = runs.reduce((n, r) => n + r.duration, 0)
  return {
    rps: total / duration,
    total,
    duration,
    p50: merged.latency.p50,
    p99: merged.latency.p99,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    timeouts: runs.reduce((n, r) => n + r.timeouts, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0)
  }
}

/** One run, summarized. */
export async function load (options: LoadOptions): Promise<LoadResult> {
  return summarize([await loadRaw(options)], options)
}
