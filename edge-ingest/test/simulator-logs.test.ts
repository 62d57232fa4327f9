// The simulator's log lines tell the same story as its graphs: a "CPU load high" warning only when
// the load is above the threshold it names, and "back to normal" only after such a warning.
import t from 'tap'
import { metricModel } from '../simulator/metrics.ts'
import { noticeLog } from '../simulator/logs.ts'
import { deviceProfile } from '../simulator/profile.ts'

t.test('CPU warnings match the readings they report', async t => {
  const high: number[] = []
  const normal: number[] = []
  let warned = false
  let outOfOrder = 0
  for (let device = 0; device < 6; device++) {
    const model = metricModel(deviceProfile('tst', device))
    // Eleven simulated hours in 5 s steps: dozens of load bursts per device.
    for (let s = 0; s < 40_000; s += 5) {
      model.sample(5)
      for (let notice = model.takeNotice(); notice; notice = model.takeNotice()) {
        const line = noticeLog(notice, model.now)
        const hi = /^CPU load high: (\d+(?:\.\d)?)% \(threshold (\d+)%\)$/.exec(line.message)
        if (hi) { high.push(Number(hi[1]) - Number(hi[2])); if (warned) outOfOrder++; warned = true }
        const back = /^CPU load back to normal: (\d+(?:\.\d)?)%$/.exec(line.message)
        if (back) { normal.push(Number(back[1])); if (!warned) outOfOrder++; warned = false }
      }
    }
    warned = false
  }
  t.ok(high.length >= 10, `bursts reached the threshold and were reported (${high.length} warnings)`)
  t.same(high.filter(above => above <= 0), [], 'every "high" reading is above its threshold (values: reading minus threshold)')
  t.same(normal.filter(cpu => cpu >= 85), [], '"back to normal" readings are below the threshold')
  t.equal(outOfOrder, 0, 'warnings and recoveries alternate')
})
