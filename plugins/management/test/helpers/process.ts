// One real deployment in its own process, for the two-process tests and the burst script:
// `node process.ts cloud|management`, configured by the environment; prints `READY <url>`.
import { fileURLToPath } from 'node:url'
import { createKernel, createLogger, managementEnv } from '@monozu/kernel/host'

const which = process.argv[2]
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
// Tests and the burst script: an in-memory database per process (on-disk PGlite initdb crawls on a loaded machine).
const memory = process.env.MONOZU_MEMORY_DB === '1' && !process.env.DATABASE_URL ? { pglite: { memory: true } } : {}
const logger = createLogger({ logLevel: (process.env.LOG_LEVEL as 'warn') ?? 'warn' })
const kernel = which === 'management'
  ? await createKernel({ profile: 'management', plugins: [here('../../')], env: await managementEnv(process.env), logger, seedDemo: true, ...memory })
  // The cloud with one license-gated fixture module (feature `gated`) to license and toggle.
  : await createKernel({ plugins: [here('../../../../kernel/test/fixtures/plugins/fx-gated')], logger, seedDemo: false, ...memory })
const url = await kernel.start()
console.log(`READY ${url}`)
const stop = () => { kernel.stop().then(() => process.exit(0), () => process.exit(1)) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// The test (or script) that started this process holds its stdin: when it is gone, so are we.
process.stdin.on('end', () => process.exit(1))
process.stdin.on('error', () => process.exit(1))
process.stdin.resume()
