/**
 * @monozu/kernel/testing/bench: the plumbing every bench shares (cleanup on signals, child
 * processes, CPU readings, load runs), for plugin benches. A separate entry because importing
 * it installs signal handlers, which a test must not get by importing the test kit.
 */
export { ADMIN_URL, ask, cleanUp, cpuMs, defer, isInterrupted, machineBusyMs, percentile, postgresCpu, postgresCpuSince, postgresUnreachable, redact, round, runBench, startChild } from '../../bench/harness.ts'
export { startBenchKernel, timeGets } from '../../bench/bench-kernel.ts'
export { load, loadRaw, summarize, type LoadOptions, type LoadResult, type RawResult } from '../../bench/load.ts'
// A bench's floor (a bare server doing only the kernel's insert) must encode rows as the kernel does.
export { int4Array, textArray, uuidArray } from '../db/dialects/pg-binary.ts'
