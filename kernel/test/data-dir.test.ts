import t from 'tap'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lockFolder } from '../src/db/folder-lock.ts'
import { secureDataDir } from '../src/data-dir.ts'
import { consoleDestination, formatLine } from '../src/logging/console.ts'

const dir = mkdtempSync(join(tmpdir(), 'monozu-datadir-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

/** A pid that belonged to a process which has exited. */
async function deadPid (): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise(resolve => child.on('exit', resolve))
  return child.pid!
}

t.test('the lock: one holder; a live holder is named; a dead one is taken over with a warning', async t => {
  const file = join(dir, 'a.lock')
  const warnings: string[] = []
  const release = lockFolder(file, 'the test database', w => warnings.push(w))
  t.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid, 'the lock holds our pid')
  t.equal(statSync(file).mode & 0o777, 0o600, 'readable by us only')
  t.throws(() => lockFolder(file, 'the test database', () => {}), { code: 'database_locked', message: /already open in this process/ }, 'a second open in this process is refused')
  release()
  t.notOk(existsSync(file), 'release removes it')

  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
  t.teardown(() => { other.kill() })
  writeFileSync(file, JSON.stringify({ pid: other.pid, startedAt: '2026-12-07T10:00:00.000Z' }))
  t.throws(() => lockFolder(file, 'the test database', () => {}),
    { code: 'database_locked', message: new RegExp(`the test database is in use by process ${other.pid} \\(started 2026-12-07T10:00:00\\.000Z\\)\\. .*delete ${file}`) },
    'another live process: refused, naming it, when it started and the file')
  t.equal(JSON.parse(readFileSync(file, 'utf8')).pid, other.pid, 'its lock is left alone')

  const dead = await deadPid()
  writeFileSync(file, JSON.stringify({ pid: dead, startedAt: '2026-12-07T09:00:00.000Z' }))
  const again = lockFolder(file, 'the test database', w => warnings.push(w))
  t.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid, 'a dead holder\'s lock is taken over')
  t.match(warnings, [new RegExp(`took over the lock of the test database from process ${dead} \\(started 2026-12-07T09:00:00\\.000Z\\), which is gone`)], 'with a warning naming it')
  again()

  // Our own pid in a lock we do not hold: a container restarted with the same pid 1.
  writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: '2026-12-06T00:00:00.000Z' }))
  lockFolder(file, 'the test database', () => {})()
  t.pass('a lock naming our own pid from an earlier life is taken over')
  writeFileSync(file, '')
  lockFolder(file, 'the test database', () => {})()
  t.pass('so is an empty one (killed between creating and writing it)')
})

t.test('secureDataDir creates the folder 0700 and takes group and other bits off everything in it', async t => {
  const fresh = join(dir, 'fresh', 'data')
  t.same(secureDataDir(fresh), [], 'a new folder needs no change')
  t.equal(statSync(fresh).mode & 0o777, 0o700)

  const old = join(dir, 'old')
  mkdirSync(join(old, 'keys'), { recursive: true })
  writeFileSync(join(old, 'keys', 'k.json'), '{}')
  writeFileSync(join(old, 'demo-password'), 'x')
  chmodSync(old, 0o755)
  chmodSync(join(old, 'keys'), 0o775)
  chmodSync(join(old, 'keys', 'k.json'), 0o644)
  chmodSync(join(old, 'demo-password'), 0o600)
  const changed = secureDataDir(old)
  t.same(changed.sort(), [old, join(old, 'keys'), join(old, 'keys', 'k.json')].sort(), 'it reports exactly what it changed')
  t.equal(statSync(old).mode & 0o777, 0o700)
  t.equal(statSync(join(old, 'keys')).mode & 0o777, 0o700)
  t.equal(statSync(join(old, 'keys', 'k.json')).mode & 0o777, 0o600)
  t.same(secureDataDir(old), [], 'a second pass changes nothing')
})

t.test('LOG_FORMAT=pretty: readable lines; per-request lines go to the data dir\'s requests.log', async t => {
  const at = new Date(2026, 11, 7, 10, 32, 1).getTime()
  t.equal(formatLine({ level: 40, time: at, pid: 1, hostname: 'h', plugin: 'cmdb', msg: 'slow import', rows: 12, file: 'a b.csv' }),
    '10:32:01 WARN  cmdb     slow import rows=12 file="a b.csv"\n')
  const error = formatLine({ level: 50, time: at, msg: 'boom', err: { message: 'bad', stack: 'Error: bad\n    at x (y.ts:1:1)' } })
  t.match(error, /^10:32:01 ERROR kernel   boom\n {4}Error: bad\n {8}at x/, 'an error\'s stack follows, indented')

  const logs = join(dir, 'logs-test')
  let console = ''
  const out = { write (s: string) { console += s; return true } } as unknown as NodeJS.WritableStream
  const dest = consoleDestination({ out, dataDir: logs, showRequests: false })
  dest.write(JSON.stringify({ level: 30, time: at, reqId: 'r1', req: { method: 'GET', url: '/x' }, msg: 'incoming request' }) + '\n')
  dest.write(JSON.stringify({ level: 30, time: at, reqId: 'r1', res: { statusCode: 200 }, msg: 'request completed' }) + '\n')
  dest.write(JSON.stringify({ level: 50, time: at, reqId: 'r1', msg: 'handler failed' }) + '\n')
  dest.write(JSON.stringify({ level: 30, time: at, msg: 'Monozu Cloud is ready' }) + '\n')
  t.equal(console, '10:32:01 ERROR kernel   handler failed reqId=r1\n10:32:01 INFO  kernel   Monozu Cloud is ready\n', 'the console gets errors and the rest, not the request lines')
  const file = join(logs, 'logs', 'requests.log')
  await t.resolveMatch((async () => { for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise(r => setTimeout(r, 20)); await new Promise(r => setTimeout(r, 100)); return readFileSync(file, 'utf8') })(),
    /"msg":"incoming request".*\n.*"msg":"request completed"/, 'the request lines are in requests.log as JSON')

  let shown = ''
  const debug = consoleDestination({ out: { write (s: string) { shown += s; return true } } as unknown as NodeJS.WritableStream, dataDir: logs, showRequests: true })
  debug.write(JSON.stringify({ level: 30, time: at, reqId: 'r2', req: { method: 'GET', url: '/y' }, msg: 'incoming request' }) + '\n')
  t.match(shown, /INFO  kernel   incoming request req=\{"method":"GET","url":"\/y"\} reqId=r2/, 'at debug level they are shown')
})
