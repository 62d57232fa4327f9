import type { FastifyInstance } from 'fastify'
import type { KernelConfig } from './config/config.ts'
import type { Kernel as KernelInside } from './kernel.ts'

/** A kernel as whoever started it sees it: its database, plugin registry and services stay inside. */
export interface Kernel {
  readonly app: FastifyInstance
  readonly config: KernelConfig
  /** Listens on config.host:config.port; resolves to the URL. */
  start (): Promise<string>
  /** Stops accepting, finishes in-flight requests, stops plugins, closes the database. */
  stop (): Promise<void>
}

// A WeakMap rather than hidden fields, so that no cast in plugin code can reach the inside;
// only the test kit (inside the package) looks a face up.
const insides = new WeakMap<Kernel, KernelInside>()

export function faceOf (kernel: KernelInside): Kernel {
  const face: Kernel = Object.freeze({ app: kernel.app, config: kernel.config, start: () => kernel.start(), stop: () => kernel.stop() })
  insides.set(face, kernel)
  return face
}

export function insideOf (face: Kernel): KernelInside {
  const kernel = insides.get(face)
  if (!kernel) throw new TypeError('not a kernel from createKernel of @monozu/kernel/host')
  return kernel
}
