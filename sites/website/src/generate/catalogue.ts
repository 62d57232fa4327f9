// Prints the product's module list (sites/catalogue) as JSON: astro.config.ts runs this in a
// child process, so the kernel's discovery runs on Node's own TypeScript, outside Vite.
import { resolve } from 'node:path'
import { productModules, sitePlugins } from '../../../catalogue/modules.ts'

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..')
process.stdout.write(JSON.stringify(productModules(sitePlugins(repoRoot))))
