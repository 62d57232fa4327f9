import type { Comparator } from './types.ts'

// Maven's ComparableVersion (maven-artifact): the version splits into items at '.', '-' and at
// digit/letter transitions; numbers compare numerically; known qualifiers order
// alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp; unknown
// qualifiers sort after those, alphabetically. Trailing zero/empty items are ignored
// ("1.0" = "1" = "1.0.0"); a '-' starts a sub-list, which sorts before a number.

type Item = { kind: 'int', value: bigint } | { kind: 'str', value: string } | { kind: 'list', items: Item[] }

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp']
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc', a: 'alpha', b: 'beta', m: 'milestone' }

/** A qualifier as Maven reads it: `a1` is alpha-1, `ga`, `final` and `release` are the release itself. */
function canonical (q: string, followedByDigit: boolean): string {
  if (q.length === 1) return followedByDigit && 'abm'.includes(q) ? ALIASES[q]! : q
  return q in ALIASES ? ALIASES[q]! : q
}

/** Known qualifiers by their rank ('0'..'6'); unknown ones after all of them, alphabetically. */
function qualifierKey (q: string): string {
  const i = QUALIFIERS.indexOf(q)
  return i >= 0 ? `${i}` : `${QUALIFIERS.length}-${q}`
}
const RELEASE = qualifierKey('')
const strcmp = (a: string, b: string) => (a === b ? 0 : a < b ? -1 : 1)

function isNull (item: Item): boolean {
  if (item.kind === 'int') return item.value === 0n
  if (item.kind === 'str') return item.value === ''
  return item.items.length === 0
}

function normalize (list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i]!
    if (isNull(last)) list.splice(i, 1)
    else if (last.kind !== 'list') break
  }
}

export function parseMaven (version: string): Item {
  const v = version.trim().toLowerCase()
  if (v === '') throw new RangeError('an empty Maven version')
  const root: Item = { kind: 'list', items: [] }
  let list = root.items
  const stack: Item[][] = [list]
  let start = 0
  let isDigit = false
  const push = (token: string, digitNext: boolean) => {
    if (token === '') { list.push({ kind: 'int', value: 0n }); return }
    if (/^\d+$/.test(token)) list.push({ kind: 'int', value: BigInt(token) })
    else list.push({ kind: 'str', value: canonical(token, digitNext) })
  }
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!
    if (c === '.') {
      push(v.slice(start, i), false)
      start = i + 1
    } else if (c === '-') {
      push(v.slice(start, i), false)
      start = i + 1
      const sub: Item = { kind: 'list', items: [] }
      list.push(sub)
      list = sub.items
      stack.push(list)
    } else if (/\d/.test(c)) {
      if (!isDigit && i > start) {
        push(v.slice(start, i), true)
        start = i
        const sub: Item = { kind: 'list', items: [] }
        list.push(sub)
        list = sub.items
        stack.push(list)
      }
      isDigit = true
    } else {
      if (isDigit && i > start) {
        push(v.slice(start, i), false)
        start = i
        const sub: Item = { kind: 'list', items: [] }
        list.push(sub)
        list = sub.items
        stack.push(list)
      }
      isDigit = false
    }
    if (c === '.' || c === '-') isDigit = false
  }
  if (v.length > start) push(v.slice(start), false)
  for (const l of stack.reverse()) normalize(l)
  return root
}

function cmp (a: Item | undefined, b: Item | undefined): number {
  if (a === undefined && b === undefined) return 0
  if (a === undefined) return -cmp(b, undefined)
  if (b === undefined) {
    if (a.kind === 'int') return a.value === 0n ? 0 : 1
    if (a.kind === 'str') return strcmp(qualifierKey(a.value), RELEASE)
    return a.items.length === 0 ? 0 : cmp(a.items[0], undefined)
  }
  if (a.kind === 'int') {
    if (b.kind === 'int') return a.value === b.value ? 0 : a.value < b.value ? -1 : 1
    return 1 // a number beats a qualifier and a sub-list
  }
  if (a.kind === 'str') {
    if (b.kind === 'int') return -1
    if (b.kind === 'list') return -1
    return strcmp(qualifierKey(a.value), qualifierKey(b.value))
  }
  if (b.kind === 'int') return -1
  if (b.kind === 'str') return 1
  const n = Math.max(a.items.length, b.items.length)
  for (let i = 0; i < n; i++) {
    const c = cmp(a.items[i], b.items[i])
    if (c !== 0) return c
  }
  return 0
}

export const mavenComparator: Comparator = {
  scheme: 'Maven ComparableVersion',
  compare: (a, b) => cmp(parseMaven(a), parseMaven(b)),
  valid: v => v.trim() !== '' && !/\s/.test(v)
}
