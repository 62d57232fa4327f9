import t from 'tap'
import { createServer } from 'node:net'
import { freePort } from '@monozu/kernel/testing'

// The test kit's port finder, which the CLI, npm start and browser tests start their servers on.
t.test('freePort gives a port a server can then listen on', async t => {
  const port = await freePort()
  t.ok(Number.isInteger(port) && port > 0 && port < 65536, `a TCP port (${port})`)
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve))
  t.equal((server.address() as { port: number }).port, port, 'listening on it')
  await new Promise(resolve => server.close(resolve))
})
