import t from 'tap'
import { startTestKernel } from '@monozu/kernel/testing'
import { tempPlugins, type TempPlugin } from './helpers/temp-plugin.ts'

// Temp plugins run in this process: their stop() writes to a list the test reads.
const stops: string[] = []
;(globalThis as { monozuStops?: string[] }).monozuStops = stops

const plugin = (id: string, stop: string, dependencies: Record<string, string> = {}): TempPlugin => ({
  id,
  manifest: { dependencies },
  source: `import { definePlugin } from '@monozu/kernel'
export default definePlugin({ start () {}, async stop () { ${stop} } })
`
})
const record = (id: string) => `globalThis.monozuStops.push('${id}')`

t.test('plugins stop in reverse dependency order, not in reverse name order', async t => {
  stops.length = 0
  // Start order is zbase, mid, atop; a name-ordered stop would be the opposite.
  const k = await startTestKernel({
    seedDemo: false,
    plugins: tempPlugins([plugin('atop', record('atop'), { mid: '*' }), plugin('mid', record('mid'), { zbase: '*' }), plugin('zbase', record('zbase'))])
  })
  await k.close()
  t.same(stops, ['atop', 'mid', 'zbase'])
})

t.test('a plugin that overruns its stop deadline or throws is logged and skipped; shutdown goes on', async t => {
  stops.length = 0
  const lines: string[] = []
  const k = await startTestKernel({
    seedDemo: false,
    config: { pluginStopSeconds: 1 },
    log: { level: 'error', stream: { write: line => lines.push(line) } },
    plugins: tempPlugins([
      plugin('stuck', `${record('stuck')}; await new Promise(() => {})`, { broken: '*' }),
      plugin('broken', `${record('broken')}; throw new Error('disk gone')`, { base: '*' }),
      plugin('base', record('base'))
    ])
  })
  const started = Date.now()
  await k.close()
  const took = Date.now() - started
  t.same(stops, ['stuck', 'broken', 'base'], 'the plugins after the stuck and the failing one still stopped')
  t.ok(took >= 900 && took < 8000, `shutdown waited for the deadline, not for ever (${took} ms)`)
  const logged = lines.map(l => JSON.parse(l) as { plugin?: string, msg: string, deadlineMs?: number, err?: { message: string } })
  t.match(logged.find(l => l.plugin === 'stuck'), { msg: /did not stop within its deadline/, deadlineMs: 1000 })
  t.match(logged.find(l => l.plugin === 'broken'), { msg: 'plugin failed to stop', err: { message: 'disk gone' } })
})
