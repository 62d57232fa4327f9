// The scanner that finds each event's text in a JSON body, against JSON.parse itself on
// thousands of generated bodies: nesting, every escape, brackets inside strings, whitespace
// everywhere JSON allows it, and repeated or escaped "events" keys.
import t from 'tap'
import { eventSources } from '../src/sources.ts'

let seed = 20261202
const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
const space = () => pick(['', '', ' ', '\n', '\t', ' \r\n  '])
const pieces = ['a', 'Z', ' ', '"', '\\', '/', '{', '}', '[', ']', ',', ':', 'ü', '✓', '😀', '\n', '\t', '\u0000', '\u001f', '\ud800', 'events', '\\"']

function text (): string {
  let s = ''
  for (let n = Math.floor(random() * 8); n > 0; n--) s += pick(pieces)
  return s
}
/** A JSON string literal, sometimes with escapes JSON.stringify would not write. */
function literal (s: string): string {
  const plain = JSON.stringify(s)
  return random() < 0.3 ? plain.replace(/[a-z]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : plain
}
function value (depth: number): string {
  const r = random()
  if (depth > 3 || r < 0.35) return pick(['0', '-1', '12.5', '1e3', '-0.25E-2', 'true', 'false', 'null', literal(text())])
  if (r < 0.65) return `[${space()}${Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1)).join(`${space()},${space()}`)}${space()}]`
  return object(depth, Math.floor(random() * 4))
}
function object (depth: number, members: number, extra: string[] = []): string {
  const parts = Array.from({ length: members }, () => `${literal(text())}${space()}:${space()}${value(depth + 1)}`)
  for (const e of extra) parts.splice(Math.floor(random() * (parts.length + 1)), 0, e)
  return `{${space()}${parts.join(`${space()},${space()}`)}${space()}}`
}
function body (): string {
  const events = () => `${pick(['"events"', '"ev\\u0065nts"', '"\\u0065vents"'])}${space()}:${space()}[${space()}${Array.from({ length: Math.floor(random() * 6) }, () => pick([object(1, Math.floor(random() * 5)), value(1)])).join(`${space()},${space()}`)}${space()}]`
  const members = [events(), `"kind"${space()}:${space()}"telemetry"`]
  if (random() < 0.2) members.push(events()) // repeated: JSON.parse keeps the last
  if (random() < 0.2) members.push(`"events2"${space()}:${space()}${value(1)}`)
  return `${space()}${object(0, Math.floor(random() * 2), members)}${space()}`
}

t.test('each source parses to the event JSON.parse finds, for 5000 generated bodies', async t => {
  let checked = 0
  let events = 0
  for (let i = 0; i < 5000; i++) {
    const b = body()
    const parsed = JSON.parse(b) as { events: unknown[] }
    const sources = eventSources(b)
    if (!sources || sources.length !== parsed.events.length || sources.some((s, n) => JSON.stringify(JSON.parse(s)) !== JSON.stringify(parsed.events[n]))) {
      t.fail(`body ${i} scanned wrong: ${JSON.stringify(b)} -> ${JSON.stringify(sources)}`)
      return
    }
    checked++
    events += sources.length
  }
  t.equal(checked, 5000, `5000 bodies, ${events} events, every one the same as JSON.parse's`)
})

t.test('hand-picked edges', async t => {
  t.same(eventSources('{"kind":"x","events":[{"a":"]}\\\\"},{"b":"\\""}]}'), ['{"a":"]}\\\\"}', '{"b":"\\""}'], 'brackets, quotes and backslashes inside strings')
  t.same(eventSources('{"events":[1,2],"events":[{"c":3}]}'), ['{"c":3}'], 'a repeated key counts where it last appears, as in JSON.parse')
  t.same(eventSources('{"events":[1],"events":"no"}'), null, 'also when the last one is not an array')
  t.same(eventSources(' { "events" : [ ] } '), [], 'an empty array')
  t.same(eventSources('{"kind":"x"}'), null, 'no events at all')
  t.same(eventSources('{"ev\\u0065nts":[ {"n":1} ,\n{"n":2}\t]}'), ['{"n":1}', '{"n":2}'], 'an escaped key and whitespace between elements')
})
