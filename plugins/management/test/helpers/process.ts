// One real deployment in its own process, for the two-process tests and the burst script:
// `node process.ts cloud|management`, configured by the environment; prints `READY <url>`.
import { fileURLToPath } from 'node:url'
import { createKernel, createLogger, managementEnv } from '@monozu/kernel/host'

const which = process.argv[2]
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const logger = createLogger({ logLevel: (process.env.LOG_LEVEL as 'warn') ?? 'warn' })
const kernel = which === 'management'
  ? await createKernel({ profile: 'management', plugins: [here('../../')], env: await managementEnv(process.env), logger, seedDemo: true })
  // The cloud with one license-gated fixture module (feature `gated`) to license and toggle.
  : await createKernel({ plugins: [here('../../../../kernel/test/fixtures/plugins/fx-gated')], logger, seedDemo: false })
const url = await kernel.start()
console.log(`READY ${url}`)
const stop = () => { kernel.stop().then(() => process.exit(0), () => process.exit(1)) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
