// Prints the product's module list and the platform's own modules (sites/catalogue) as JSON,
// { modules, platform }: astro.config.ts runs this in a
// child process, so the kernel's discovery runs on Node's own TypeScript, outside Vite.
import { resolve } from 'node:path'
import { platformModules, productModules, sitePlugins } from '../../../catalogue/modules.ts'

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..')
const installed = sitePlugins(repoRoot)
process.stdout.write(JSON.stringify({ modules: productModules(installed), platform: platformModules(installed) }))
