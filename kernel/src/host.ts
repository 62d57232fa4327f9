/**
 * @monozu/kernel/host: for whoever starts a kernel (the CLI, scripts, benches; tests start one
 * through @monozu/kernel/testing). Plugin code imports @monozu/kernel only.
 */
import { createKernel as createInside, type KernelOptions } from './kernel.ts'
import { faceOf, type Kernel } from './host-face.ts'

export type { Kernel } from './host-face.ts'
export type { KernelOptions } from './kernel.ts'
export type { KernelConfig } from './config/config.ts'
// The configuration a host can set, for the generator of kernel/README.md's table.
export { variables, variablesReadElsewhere } from './config/config.ts'
// What the sign-in routes answer, for the UI shell that calls them (a type, so no kernel code in its bundle).
export type { SignedIn } from './auth/subjects.ts'
export { createLogger } from './kernel.ts'
// For tools that describe plugins without starting a kernel (the docs sites' generators).
export { installedPlugins, type InstalledPlugin } from './plugins/installed.ts'
export { problemTypes, type ProblemTypeEntry } from './errors/plugin-codes.ts'
// The environment `monozu start --profile management` runs under (scripts and tests that start one).
export { managementEnv } from './management-env.ts'

/** Builds a kernel: configuration, database and migrations, plugins, routes. `start()` then listens. */
export async function createKernel (options: KernelOptions = {}): Promise<Kernel> {
  return faceOf(await createInside(options))
}
