/**
 * The test kit for the kernel's own tests (kernel/test): the same kit, with the kernel's
 * inside (connections, registry, services) in reach. Not in package.json "exports": plugins
 * and their tests use @monozu/kernel/testing.
 */
import type { Kernel as KernelInside } from '../kernel.ts'
import { kitFor, type TestKit } from './kit.ts'
import { startInside, type TestKernelOptions } from './start.ts'

export * from './index.ts'

export interface TestKernel extends TestKit {
  kernel: KernelInside
  close (): Promise<void>
}

export async function startTestKernel (options: TestKernelOptions = {}): Promise<TestKernel> {
  const { kernel, clock, close } = await startInside(options)
  return { ...kitFor(kernel, clock), kernel, close }
}
