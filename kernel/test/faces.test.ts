import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as pluginFace from '@monozu/kernel'
import { createKernel } from '@monozu/kernel/host'
import { startTestKernel, testKitFor, type TestKernel } from '@monozu/kernel/testing'
import { jobsFixture } from './helpers/paths.ts'

// What plugin code can reach: the three faces, and nothing of the kernel's inside through them.

t.test('@monozu/kernel is the plugin face: no way to start a kernel from it', async t => {
  t.equal(typeof pluginFace.definePlugin, 'function', 'definePlugin is there')
  t.notOk('createKernel' in pluginFace, 'createKernel is not')
  t.notOk('createLogger' in pluginFace, 'nor the CLI\'s logger')
})

t.test('a path past the exports does not resolve', async t => {
  const internal = '@monozu/kernel/src/kernel.ts'
  await t.rejects(import(internal), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, 'kernel.ts by its path')
  const inside = '@monozu/kernel/testing/internal'
  await t.rejects(import(inside), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, 'the kernel tests\' own kit')
})

t.test('the host face: a kernel that starts and stops, with nothing inside in reach', async t => {
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-faces-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const kernel = await createKernel({ env: {}, config: { dataDir, port: 0, logLevel: 'silent' }, plugins: [], seedDemo: false, pglite: { memory: true } })
  t.teardown(() => kernel.stop())
  t.same(Object.keys(kernel).sort(), ['app', 'config', 'start', 'stop'], 'only app, config, start and stop')
  t.ok(Object.isFrozen(kernel), 'and they cannot be swapped')
  t.match(await kernel.start(), /^http:\/\/127\.0\.0\.1:\d+$/, 'start listens')

  // A bench that started its own kernel still gets the kit's helpers.
  const kit = testKitFor(kernel)
  const tenant = await kit.createTenant({ name: 'Bench Tenant' })
  await kit.grantLicense(tenant, ['cmdb'], { seats: 7 })
  const licensed = await kit.owner('licenses').where({ tenant: tenant.id }).first('seats')
  t.equal(licensed?.seats, 7, 'grantLicense installed the license, read through the owner connection')
  t.throws(() => testKitFor({ ...kernel }), /not a kernel from createKernel/, 'a copy of the face is no key to the inside')
})

t.test('the test kit', async t => {
  const k: TestKernel = await startTestKernel({ plugins: [jobsFixture] })
  t.teardown(() => k.close())
  t.same(Object.keys(k.kernel).sort(), ['app', 'config', 'start', 'stop'], 'its kernel is the host face too')
  t.equal(k.dialect, process.env.DATABASE_URL ? 'postgres' : 'pglite', 'names its dialect')

  const tenant = await k.createTenant()
  const ran = await k.runJob('fx-jobs', 'record', { note: 'now' }, { tenantId: tenant.id })
  t.match(ran, { state: 'succeeded', attempts: 1, lastError: null }, 'runJob waits until the worker has run the job')
  const rows = await k.owner('fx_job_runs').where({ job_id: ran.id }).select('tenant_id', 'payload')
  t.same(rows.map(r => ({ tenant: r.tenant_id, payload: JSON.parse(r.payload) })), [{ tenant: tenant.id, payload: { note: 'now' } }], 'the handler ran once, in the tenant')

  const failed = await k.runJob('fx-jobs', 'flaky', { succeedOn: 99 }, { tenantId: tenant.id })
  t.match(failed, { state: 'dead', attempts: 3, lastError: /attempt 3 fails on purpose/ }, 'and reports a job that ran out of attempts')
  await t.rejects(k.runJob('fx-jobs', 'undeclared', null, { tenantId: tenant.id }), 'a job the plugin did not declare is refused')

  t.equal(typeof k.pluginContext('fx-jobs').jobs.enqueue, 'function', 'pluginContext is the context the plugin got')
  t.throws(() => k.pluginContext('nobody'), /not loaded/, 'and names a plugin that is not there')
  t.match(await k.tenantBySlug(tenant.slug), { id: tenant.id, slug: tenant.slug }, 'tenantBySlug finds the tenant')
  const op = await k.createOperator({ email: 'kit-op@monozu.example' })
  t.equal(op.email, 'kit-op@monozu.example', 'createOperator keeps a given email')
  t.type(await k.login(op.email, op.password), 'string', 'and its password signs in')
})
