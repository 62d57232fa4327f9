import { createServer } from 'node:net'

/** A TCP port on 127.0.0.1 that was free a moment ago: for a server a test starts in another process or library. */
export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}
