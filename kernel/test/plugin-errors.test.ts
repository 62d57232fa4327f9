import t from 'tap'
import { ApiError } from '@monozu/kernel'
import { startTestKernel } from '@monozu/kernel/testing'
import { tempPlugins, type TempPlugin } from './helpers/temp-plugin.ts'

// A plugin's own problem codes: declared in its plugin.json `errors`, thrown through its
// ApiError.for(manifest) class, answered as problem+json, and refused everywhere else.

const jammed = { status: 409, title: 'The widget is jammed' }

const source = `import { ApiError, definePlugin } from '@monozu/kernel'
import manifest from '../plugin.json' with { type: 'json' }
const WidgetError = ApiError.for(manifest)
export default definePlugin({
  start (ctx, app) {
    const route = { config: { public: true } }
    app.get('/api/v1/widgets/jam', route, async () => { throw new WidgetError('widget_jammed', 'Widget 7 is stuck', { extra: { widget: 7 } }) })
    app.get('/api/v1/widgets/kernel-code', route, async () => { throw new WidgetError('not_found', 'No widget 8') })
    app.get('/api/v1/widgets/undeclared', route, async () => { throw new WidgetError('widget_melted') })
    app.get('/api/v1/widgets/borrowed', route, async () => { throw new ApiError('widget_jammed') })
  }
})
`

async function refusal (plugins: TempPlugin[]): Promise<Error & { code?: string }> {
  try {
    const k = await startTestKernel({ plugins: tempPlugins(plugins) })
    await k.close()
  } catch (err) {
    return err as Error & { code?: string }
  }
  throw new Error('the kernel started but should have refused')
}

t.test('a declared plugin code is answered as problem+json with its status and title', async t => {
  const k = await startTestKernel({ plugins: tempPlugins([{ id: 'widgets', manifest: { errors: { widget_jammed: jammed } }, source }]) })
  t.teardown(() => k.close())

  const res = await k.request('GET', '/api/v1/widgets/jam')
  t.equal(res.status, 409)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.body, { type: 'https://docs.monozu.cloud/problems/widget_jammed', code: 'widget_jammed', title: jammed.title, status: 409, detail: 'Widget 7 is stuck', widget: 7 })

  const kernelCode = await k.request('GET', '/api/v1/widgets/kernel-code')
  t.match(kernelCode.body, { status: 404, code: 'not_found', detail: 'No widget 8' }, 'the plugin class accepts kernel codes too')

  // Thrown from plain JavaScript (or past a cast): the throw itself fails, so no response carries
  // a code the docs do not list; the caller sees an opaque 500, the log the reason.
  for (const path of ['undeclared', 'borrowed']) {
    const bad = await k.request('GET', `/api/v1/widgets/${path}`)
    t.equal(bad.status, 500, `${path}: refused at throw time`)
    t.equal(bad.body.code, 'internal_error', `${path}: never answered with the unregistered code`)
  }
})

t.test('ApiError refuses a code it does not own', async t => {
  t.throws(() => new ApiError('device_already_enrolled' as never), { name: 'TypeError', message: /"device_already_enrolled" is not an error code of the kernel/ }, 'the devices codes left the kernel')
  t.throws(() => new ApiError('constructor' as never), TypeError, 'an inherited property is no code')
  const PluginError = ApiError.for({ id: 'gadgets', errors: { gadget_lost: { status: 410, title: 'Gone' } } })
  const err = new PluginError('gadget_lost')
  t.ok(err instanceof ApiError, 'a plugin error is an ApiError')
  t.match(err, { code: 'gadget_lost', status: 410, title: 'Gone', message: 'Gone' })
  t.throws(() => new PluginError('widget_jammed' as never), { message: /not an error code of the kernel or plugin "gadgets"/ })
})

t.test('codes are global: a plugin may not reuse a kernel code or another plugin\'s', async t => {
  const kernelCode = await refusal([{ id: 'shadow', manifest: { errors: { not_found: { status: 404, title: 'Nothing' } } } }])
  t.equal(kernelCode.code, 'manifest_invalid')
  t.match(kernelCode.message, /plugin "shadow": \/errors\/not_found is already a code of the kernel \(rule: error codes are unique\)/)

  const twice = await refusal([
    { id: 'first', manifest: { errors: { widget_jammed: jammed } } },
    { id: 'second', manifest: { errors: { widget_jammed: jammed } } }
  ])
  t.equal(twice.code, 'manifest_invalid')
  t.match(twice.message, /\/errors\/widget_jammed is already a code of plugin "(first|second)"/)

  const badStatus = await refusal([{ id: 'cheerful', manifest: { errors: { all_good: { status: 200, title: 'Fine' } } } }])
  t.equal(badStatus.code, 'manifest_invalid')
  t.match(badStatus.message, /\/errors\/all_good\/status must be >= 400/)

  const badCode = await refusal([{ id: 'shouty', manifest: { errors: { 'Widget-Jammed': jammed } } }])
  t.equal(badCode.code, 'manifest_invalid')
  t.match(badCode.message, /\/errors .*must match pattern/)
})
