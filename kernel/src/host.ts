/**
 * @monozu/kernel/host: for whoever starts a kernel (the CLI, scripts, benches; tests start one
 * through @monozu/kernel/testing). Plugin code imports @monozu/kernel only.
 */
import { createKernel as createInside, type KernelOptions } from './kernel.ts'
import { faceOf, type Kernel } from './host-face.ts'

export type { Kernel } from './host-face.ts'
export type { KernelOptions } from './kernel.ts'
export type { KernelConfig } from './config/config.ts'
export { createLogger } from './kernel.ts'
// For tools that describe plugins without starting a kernel (the docs sites' generators).
export { installedPlugins, type InstalledPlugin } from './plugins/installed.ts'
export { problemTypes, type ProblemTypeEntry } from './errors/plugin-codes.ts'

/** Builds a kernel: configuration, database and migrations, plugins, routes. `start()` then listens. */
export async function createKernel (options: KernelOptions = {}): Promise<Kernel> {
  return faceOf(await createInside(options))
}
