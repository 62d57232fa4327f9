import t from 'tap'
import pino from 'pino'
import { startTestKernel, type TestKernel } from '@monozu/kernel/testing'
import { RequestLogger, requestLoggerFactory } from '../src/http/request-logger.ts'
import { fixture } from './helpers/paths.ts'

type Line = Record<string, unknown>
const sinkOf = (lines: Line[]) => ({ write (chunk: string) { for (const l of chunk.split('\n')) if (l) lines.push(JSON.parse(l)) } })
const withoutTime = (lines: Line[]) => lines.map(({ time: _time, ...rest }) => rest)

t.test('writes the lines a pino child would, and nothing below its level', async t => {
  const viaChild: Line[] = []
  const viaLazy: Line[] = []
  const parents = [pino({ level: 'info' }, sinkOf(viaChild)), pino({ level: 'info' }, sinkOf(viaLazy))] as const
  const child = parents[0].child({ reqId: 'r1' }, { level: 'warn' })
  const lazy = new RequestLogger(parents[1], { reqId: 'r1' }, { level: 'warn' })
  for (const log of [child, lazy]) {
    log.info({ a: 1 }, 'below the route level')
    log.setBindings({ tenantId: 't1' })
    log.warn({ b: 2 }, 'kept')
    log.error(new Error('boom'))
    log.child({ job: 'j' }).warn('from a child')
  }
  t.equal(viaLazy.length, 3, 'warn, error and the child\'s warn; the info line dropped')
  t.same(withoutTime(viaLazy), withoutTime(viaChild), 'the same lines as a pino child')
  t.equal(viaLazy[2]!.reqId, 'r1', 'a child of the request log keeps its bindings')
  t.equal(viaLazy[2]!.tenantId, 't1')
})

t.test('level, isLevelEnabled and bindings before and after the first line', async t => {
  const lines: Line[] = []
  const parent = pino({ level: 'info' }, sinkOf(lines)).child({ plugin: 'p' })
  const inherits = new RequestLogger(parent, { reqId: 'r2' }, {})
  t.equal(inherits.level, 'info', 'without a level of its own it has the parent\'s')
  t.ok(inherits.isLevelEnabled('info'))
  t.notOk(inherits.isLevelEnabled('debug'))
  t.notOk(inherits.isLevelEnabled('verbose'), 'a level pino does not know is not enabled, as in pino')
  t.notOk(parent.isLevelEnabled('verbose'))
  inherits.setBindings({ userId: 'u' })
  t.same(inherits.bindings(), { plugin: 'p', reqId: 'r2', userId: 'u' })
  inherits.level = 'debug'
  t.ok(inherits.isLevelEnabled('debug'), 'a level set before the first line holds')
  inherits.debug('now written')
  t.equal(lines.length, 1)
  t.equal(lines[0]!.userId, 'u')
  t.same(inherits.bindings(), { plugin: 'p', reqId: 'r2', userId: 'u' }, 'the same bindings once it is a child')
  inherits.level = 'error'
  inherits.warn('dropped')
  t.equal(lines.length, 1, 'a level set after the first line holds too')
  t.equal(inherits.level, 'error')
  const silent = new RequestLogger(pino({ level: 'silent' }, sinkOf(lines)), {}, {})
  silent.fatal('never')
  t.notOk(silent.isLevelEnabled('fatal'))
  t.equal(lines.length, 1, 'a silent logger writes nothing')
})

t.test('the factory wraps only a request whose level is above info', async t => {
  const parent = pino({ level: 'info' }, sinkOf([]))
  const make = (options: { level?: string }) => requestLoggerFactory.call(null as never, parent, { reqId: 'r3' }, options, null as never)
  t.ok(make({ level: 'warn' }) instanceof RequestLogger, 'warn (the ingest route): made lazily')
  t.notOk(make({}) instanceof RequestLogger, 'info: Fastify logs the request at once, so a pino child straight away')
  t.notOk(make({ level: 'debug' }) instanceof RequestLogger)
  t.ok(requestLoggerFactory.call(null as never, pino({ level: 'warn' }, sinkOf([])), {}, {}, null as never) instanceof RequestLogger, 'a kernel at warn: every route made lazily')
})

t.test('in the kernel: request lines carry the request id and the caller, failures are logged', async t => {
  const lines: Line[] = []
  const k: TestKernel = await startTestKernel({ plugins: [fixture('fx-notes')], log: { level: 'info', stream: sinkOf(lines) } })
  t.teardown(() => k.close())
  const tenant = await k.createTenant()
  const { token, user } = await k.signIn(tenant, ['tenant-admin'])
  lines.length = 0
  t.equal((await k.request('GET', '/api/v1/fx-notes/notes', { token })).status, 200)
  const done = lines.find(l => l.msg === 'request completed')
  t.ok(done, 'a completion line')
  t.match(done, { tenantId: tenant.id, userId: user.id, reqId: String }, 'with the bindings the guard added after the token check')
  t.ok(lines.some(l => l.msg === 'incoming request' && l.reqId === done!.reqId), 'and an incoming line with the same request id')
  lines.length = 0
  const broken = await k.request('GET', '/api/v1/fx-notes/broken', { token, headers: { 'x-request-id': 'broken-request-1' } })
  t.equal(broken.status, 500)
  const failed = lines.find(l => l.level === 50)
  t.match(failed, { reqId: 'broken-request-1', tenantId: tenant.id }, 'the error line names the request and the tenant')
})
