import t from 'tap'
import { addBusinessMinutes, businessMinutesBetween, explain } from '../src/sla/clock.ts'
import { OFFICE_HOURS, type Calendar } from '../src/sla/calendar.ts'
import { evaluate, emptySla, matchPolicy, type Policy } from '../src/sla/policy.ts'

// Europe/Warsaw, Mon-Fri 09:00-17:00, Polish public holidays. Times below are hand-computed.
const warsaw: Calendar = { timeZone: 'Europe/Warsaw', hours: OFFICE_HOURS, country: 'PL' }
const at = (s: string) => Date.parse(s)
const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString()

t.test('across a weekend and the October DST change', async t => {
  // Fri 28 Oct 2022 14:00 CEST (12:00Z) + 8 h: Fri 14-17 (3 h), Sat/Sun off (clocks go back on
  // Sun 30 Oct), Mon 31 Oct 09:00-14:00 CET (5 h) = 13:00Z.
  const r = addBusinessMinutes(warsaw, at('2022-10-28T12:00:00Z'), 480)
  t.equal(iso(r.due), '2022-10-31T13:00:00.000Z')
  t.same(r.skipped, [])
  t.equal(explain(warsaw, at('2022-10-28T12:00:00Z'), 480, r).en, 'due Mon 14:00 Europe/Warsaw: 8 business hours from Fri 14:00')
})

t.test('across the March DST change', async t => {
  // Fri 27 Mar 2026 16:00 CET (15:00Z) + 2 h: Fri 16-17 (1 h), Mon 30 Mar 09:00-10:00 CEST = 08:00Z.
  t.equal(iso(addBusinessMinutes(warsaw, at('2026-03-27T15:00:00Z'), 120).due), '2026-03-30T08:00:00.000Z')
})

t.test('a Polish holiday and a pending pause, with the explanation', async t => {
  // Mon 31 Oct 2022 14:00 CET (13:00Z) + 8 h, pending Mon 15:00-17:00: Mon 14-15 (1 h),
  // Tue 1 Nov All Saints' Day skipped, Wed 2 Nov 09:00-16:00 (7 h) = 15:00Z.
  const start = at('2022-10-31T13:00:00Z')
  const r = addBusinessMinutes(warsaw, start, 480, [{ from: at('2022-10-31T14:00:00Z'), to: at('2022-10-31T16:00:00Z') }])
  t.equal(iso(r.due), '2022-11-02T15:00:00.000Z')
  t.same(r.skipped, [{ date: '2022-11-01', name: 'All Saints\' Day' }])
  const text = explain(warsaw, start, 480, r)
  t.equal(text.en, 'due Wed 16:00 Europe/Warsaw: 8 business hours from Mon 14:00, paused 2 h while pending, 1 Nov holiday skipped')
  t.equal(text.pl, 'termin śr. 16:00 Europe/Warsaw: 8 godz. roboczych od pon. 14:00, wstrzymany 2 h w oczekiwaniu, pominięto święto 1 lis')
  // without the pause: Wed 14:00
  t.equal(iso(addBusinessMinutes(warsaw, start, 480).due), '2022-11-02T13:00:00.000Z')
  // custom holiday on Wed too: Thu 3 Nov 14:00 CET
  t.equal(iso(addBusinessMinutes({ ...warsaw, holidays: ['2022-11-02'] }, start, 480).due), '2022-11-03T13:00:00.000Z')
  // an open pause stops the clock
  t.equal(addBusinessMinutes(warsaw, start, 480, [{ from: at('2022-10-31T14:00:00Z'), to: null }]).due, null)
  t.equal(businessMinutesBetween(warsaw, start, at('2022-11-02T13:00:00Z')), 480)
})

t.test('policies: first match, warnings at a share, breaches once', async t => {
  const base = { calendar: warsaw, warnAt: 0.5 }
  const policies: Policy[] = [
    { ...base, id: 'p1', name: 'P1', position: 1, match: { priorities: [1] }, minutes: { resolution: 240 } },
    { ...base, id: 'net', name: 'network', position: 2, match: { types: ['incident'], categories: ['network'] }, minutes: { resolution: 480 } },
    { ...base, id: 'all', name: 'default', position: 3, match: {}, minutes: { firstResponse: 60, resolution: 960 } }
  ]
  t.equal(matchPolicy(policies, { type: 'incident', priority: 1, category: null })?.id, 'p1')
  t.equal(matchPolicy(policies, { type: 'incident', priority: 3, category: 'network' })?.id, 'net')
  t.equal(matchPolicy(policies, { type: 'request', priority: 3, category: 'network' })?.id, 'all')
  const ticket = { status: 'open', createdAt: at('2022-10-31T08:00:00Z'), firstResponseAt: null, lastAgentReplyAt: null, resolvedAt: null }
  const p = policies[2]!
  // first response 60 min from Mon 09:00 CET: due 10:00, warning at 09:30
  let e = evaluate(p, ticket, emptySla(), at('2022-10-31T08:10:00Z'))
  t.equal(iso(e.state.due.firstResponse!), '2022-10-31T09:00:00.000Z')
  t.equal(iso(e.nextCheck), '2022-10-31T08:30:00.000Z')
  e = evaluate(p, ticket, e.state, at('2022-10-31T08:31:00Z'))
  t.same(e.newWarnings, ['firstResponse'])
  e = evaluate(p, ticket, e.state, at('2022-10-31T09:01:00Z'))
  t.same([e.newWarnings, e.newBreaches], [[], ['firstResponse']])
  e = evaluate(p, ticket, e.state, at('2022-10-31T09:02:00Z'))
  t.same(e.newBreaches, [], 'a breach is recorded once')
})
