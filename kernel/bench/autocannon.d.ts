// Just the part of autocannon's programmatic API the benches use (the package ships no types).
declare module 'autocannon' {
  interface Histogram { average: number, mean: number, stddev: number, min: number, max: number, total: number, p50: number, p90: number, p99: number, p99_9: number }
  interface Result {
    url: string
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    statusCodeStats: Record<string, { count: number }>
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    method?: string
    headers?: Record<string, string>
    pipelining?: number
    timeout?: number
  }
  /** On the main thread: the aggregated result; in a worker thread: a raw result for aggregateResult. */
  function autocannon (opts: Options): Promise<Result>
  namespace autocannon {
    function aggregateResult (results: unknown[], opts: Options): Result
  }
  export default autocannon
}
