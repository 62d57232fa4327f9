import { sign, type Comparator } from './types.ts'

// rpm's rpmvercmp (rpmio/rpmvercmp.c) on epoch, version and release: segments of digits or
// letters, separators ignored; `~` sorts before anything (pre-release), `^` after the end of the
// string but before any other segment (post-release snapshot); digits beat letters; numbers
// compare numerically; a longer version wins when all shared segments are equal.

export function rpmvercmp (a: string, b: string): number {
  if (a === b) return 0
  let i = 0
  let j = 0
  const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c)
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1
      if (b[j] !== '~') return -1
      i++; j++; continue
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1
      if (j >= b.length) return 1
      if (a[i] !== '^') return 1
      if (b[j] !== '^') return -1
      i++; j++; continue
    }
    if (!(i < a.length && j < b.length)) break
    const numeric = /[0-9]/.test(a[i]!)
    const re = numeric ? /[0-9]/ : /[A-Za-z]/
    let ei = i; while (ei < a.length && re.test(a[ei]!)) ei++
    let ej = j; while (ej < b.length && re.test(b[ej]!)) ej++
    let sa = a.slice(i, ei)
    let sb = b.slice(j, ej)
    if (sb === '') return numeric ? 1 : -1
    if (numeric) {
      sa = sa.replace(/^0+/, '')
      sb = sb.replace(/^0+/, '')
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1
    }
    if (sa !== sb) return sa < sb ? -1 : 1
    i = ei; j = ej
  }
  if (i >= a.length && j >= b.length) return 0
  return i >= a.length ? -1 : 1
}

export function parseEvr (v: string): { epoch: number, version: string, release: string } {
  const s = v.trim()
  if (s === '' || /\s/.test(s)) throw new RangeError(`"${v}" is not an RPM version`)
  const colon = s.indexOf(':')
  const epoch = colon >= 0 ? Number(s.slice(0, colon)) : 0
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`"${v}": the epoch must be a number`)
  const rest = colon >= 0 ? s.slice(colon + 1) : s
  const dash = rest.lastIndexOf('-')
  return { epoch, version: dash >= 0 ? rest.slice(0, dash) : rest, release: dash >= 0 ? rest.slice(dash + 1) : '' }
}

export const rpmComparator: Comparator = {
  scheme: 'rpmvercmp',
  compare (a, b) {
    const x = parseEvr(a)
    const y = parseEvr(b)
    if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch)
    const v = rpmvercmp(x.version, y.version)
    if (v !== 0) return v
    // A release missing on one side (a range bound "1.2") matches any release of that version.
    if (x.release === '' || y.release === '') return 0
    return rpmvercmp(x.release, y.release)
  },
  valid: v => { try { parseEvr(v); return true } catch { return false } }
}
