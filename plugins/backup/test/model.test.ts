import t from 'tap'
import { evaluate, forecast, repositoryWarning, rollUp, type JobFacts } from '../src/model.ts'

t.test('forecast: least-squares trend against a hand-computed series', async t => {
  // x = -4..0 days, y = 100,120,130,150,170: mean x -2, mean y 134, Sxy 170, Sxx 10,
  // slope 17 B/day, fitted today 134 + 17*2 = 168, full (500) in (500-168)/17 = 19.5294 days.
  const samples = [
    { day: '2026-03-01', usedBytes: 100 }, { day: '2026-03-02', usedBytes: 120 }, { day: '2026-03-03', usedBytes: 130 },
    { day: '2026-03-04', usedBytes: 150 }, { day: '2026-03-05', usedBytes: 170 }
  ]
  const f = forecast(samples.reverse(), 500, 30)
  t.equal(f.samples, 5)
  t.equal(f.slopeBytesPerDay, 17)
  t.ok(Math.abs(f.daysUntilFull! - 332 / 17) < 1e-9, `${f.daysUntilFull}`)
  t.equal(f.fullOn, '2026-03-25', 'the last sample\'s day plus 20 (19.53 rounded up) days')
  t.equal(repositoryWarning(170, 500, f, 30, 85), 'fills_soon')
  t.equal(repositoryWarning(170, 500, f, 10, 85), null)
  t.equal(repositoryWarning(430, 500, f, 10, 85), 'above_threshold')
  t.equal(repositoryWarning(500, 500, f, 10, 85), 'full')

  // The window: only the last N days count (a gap day is fine).
  const windowed = forecast([{ day: '2026-01-01', usedBytes: 10_000 }, { day: '2026-03-03', usedBytes: 100 }, { day: '2026-03-05', usedBytes: 140 }], 1000, 7)
  t.equal(windowed.samples, 2)
  t.equal(windowed.slopeBytesPerDay, 20)
  t.equal(windowed.daysUntilFull, 43)
  t.match(forecast([{ day: '2026-03-05', usedBytes: 100 }], 1000, 30), { slopeBytesPerDay: null, daysUntilFull: null, samples: 1 }, 'one sample: no trend')
  t.match(forecast([{ day: '2026-03-04', usedBytes: 200 }, { day: '2026-03-05', usedBytes: 100 }], 1000, 30), { slopeBytesPerDay: -100, daysUntilFull: null }, 'shrinking: never full')
  t.match(forecast([{ day: '2026-03-04', usedBytes: 100 }, { day: '2026-03-05', usedBytes: 200 }], null, 30), { slopeBytesPerDay: 100, daysUntilFull: null }, 'no capacity: no date')
})

t.test('evaluate and roll up', async t => {
  const now = new Date('2026-03-10T12:00:00Z')
  const base: JobFacts = { enabled: true, rpoMinutes: 60, restoreTestDays: 30, lastRunState: 'succeeded', lastSuccessAt: new Date('2026-03-10T11:30:00Z'), lastRestoreTestAt: new Date('2026-03-01T00:00:00Z'), lastRestoreTestOk: true }
  t.match(evaluate(base, now), { status: 'protected', reason: 'ok', dueAt: new Date('2026-03-10T12:30:00Z') })
  t.match(evaluate({ ...base, enabled: false, lastRunState: 'failed' }, now), { status: 'unprotected', reason: 'disabled', dueAt: null }, 'disabled is not failing')
  t.match(evaluate({ ...base, lastRunState: 'failed' }, now), { status: 'at_risk', reason: 'last_run_failed' })
  t.match(evaluate(base, new Date('2026-03-10T12:30:00Z')), { status: 'at_risk', reason: 'rpo_breached' }, 'at the RPO exactly')
  t.match(evaluate({ ...base, lastSuccessAt: null }, now), { status: 'unprotected', reason: 'never_succeeded' })
  t.match(evaluate({ ...base, lastRestoreTestAt: null, lastRestoreTestOk: null }, now), { status: 'untested' })
  t.match(evaluate({ ...base, rpoMinutes: 60 * 24 * 40 }, new Date('2026-03-31T00:00:00Z')), { status: 'untested', reason: 'no_restore_test' }, 'the restore test aged out')
  t.match(rollUp([]), { status: 'unprotected', reason: 'no_job' })
  t.match(rollUp([{ enabled: false, status: 'unprotected', reason: 'disabled', lastSuccessAt: null }]), { status: 'unprotected', reason: 'all_jobs_disabled', jobsDisabled: 1 })
  t.match(rollUp([
    { enabled: true, status: 'protected', reason: 'ok', lastSuccessAt: now },
    { enabled: true, status: 'at_risk', reason: 'rpo_breached', lastSuccessAt: new Date('2026-03-01T00:00:00Z') },
    { enabled: false, status: 'unprotected', reason: 'disabled', lastSuccessAt: null }
  ]), { status: 'at_risk', reason: 'rpo_breached', jobs: 3, jobsDisabled: 1, jobsAtRisk: 1, lastSuccessAt: new Date('2026-03-01T00:00:00Z') })
})
