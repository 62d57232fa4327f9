import t from 'tap'
import { startTestKernel } from '../src/testing/internal.ts'
import { preparePlugins } from '../src/plugins/load.ts'
import { eventsPublisher } from './helpers/paths.ts'
import { tempPlugins } from './helpers/temp-plugin.ts'

t.test('the loader checks event declarations', async t => {
  const load = (id: string, events: object) => () => preparePlugins(tempPlugins([{ id, manifest: { events } }]).map(dir => ({ dir, origin: 'external' as const })))
  const error = (message: RegExp) => ({ name: 'StartupError', code: 'manifest_invalid', message })
  t.throws(load('ev-prefix', { publishes: [{ type: 'other.changed', description: 'x', schema: { type: 'object' } }] }),
    error(/plugin "ev-prefix": \/events\/publishes type "other.changed" must start with "ev-prefix\."/), 'a type outside the plugin\'s own prefix')
  t.throws(load('ev-schema', { publishes: [{ type: 'ev-schema.changed', description: 'x', schema: { type: 'object', properties: { a: { type: 'strin' } } } }] }),
    error(/plugin "ev-schema": \/events\/publishes type "ev-schema.changed" has an invalid payload schema: .*type/), 'a schema that does not compile names plugin, type and problem')
  t.throws(load('ev-strict', { publishes: [{ type: 'ev-strict.changed', description: 'x', schema: { type: 'object', minimun: 1 } }] }),
    error(/"ev-strict.changed" has an invalid payload schema: strict mode: unknown keyword: "minimun"/), 'strict: a misspelt keyword is an error, not ignored')
  t.throws(load('ev-twice', { subscribes: [{ type: 'a-b.c_d', handler: 'h' }, { type: 'a-b.e_f', handler: 'h' }] }),
    error(/plugin "ev-twice": \/events\/subscribes handler "h" is named twice/))
  t.doesNotThrow(load('ev-fine', { publishes: [{ type: 'ev-fine.changed', description: 'x', schema: { type: 'object', properties: { at: { type: 'string', format: 'date-time' } } } }] }), 'formats are known')
})

t.test('a handler the plugin.json subscribes must be registered during start', async t => {
  const [lazy] = tempPlugins([{ id: 'ev-lazy', manifest: { events: { subscribes: [{ type: 'fx-events-pub.thing_changed', handler: 'onThing' }] } } }])
  await t.rejects(startTestKernel({ plugins: [eventsPublisher, lazy!], database: 'pglite' }), { name: 'StartupError', code: 'events_unhandled', message: /plugin "ev-lazy" did not register event handler\(s\) "onThing"/ })
})
