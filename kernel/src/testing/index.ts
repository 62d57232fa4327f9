/**
 * @monozu/kernel/testing: start a real kernel with just the plugins a test needs, on PGlite
 * (default) or on a fresh PostgreSQL database when DATABASE_URL is set; make tenants, users,
 * operators and licenses; sign in; call routes; run jobs; read rows through the owner
 * connection. Nothing here is mocked, and nothing reaches past it into the kernel.
 */
import { faceOf, insideOf, type Kernel } from '../host-face.ts'
import { kitFor, type TestKit } from './kit.ts'
import { startInside, type TestKernelOptions } from './start.ts'

export type { TestKit, TestClock, Response, JobOutcome } from './kit.ts'
export { testDatabase, type TestKernelOptions } from './start.ts'
export { freshDatabase } from './postgres.ts'
export { waitFor } from './wait.ts'
export { freePort } from './ports.ts'
export { startInstance, type Instance } from './instance.ts'

export interface TestKernel extends TestKit {
  /** The kernel as its host sees it: `start()` to listen on a port, `config`, `stop()`. */
  kernel: Kernel
  /** Stops the kernel and removes its data dir and database. */
  close (): Promise<void>
}

export async function startTestKernel (options: TestKernelOptions = {}): Promise<TestKernel> {
  const { kernel, clock, close } = await startInside(options)
  return { ...kitFor(kernel, clock), kernel: faceOf(kernel), close }
}

/** The kit for a kernel a bench or script started itself with `createKernel` of `@monozu/kernel/host`. */
export function testKitFor (kernel: Kernel): TestKit {
  return kitFor(insideOf(kernel))
}
