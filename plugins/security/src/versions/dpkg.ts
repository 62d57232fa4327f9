import { sign, type Comparator } from './types.ts'

// dpkg's ordering (lib/dpkg/version.c): epoch numerically, then upstream version, then Debian
// revision, each compared by verrevcmp: alternating non-digit and digit runs; in non-digit runs
// `~` sorts before everything, even the end of the string, and letters sort before non-letters.

interface Dpkg { epoch: number, upstream: string, revision: string }

export function parseDpkg (v: string): Dpkg {
  const s = v.trim()
  if (s === '' || /\s/.test(s)) throw new RangeError(`"${v}" is not a Debian version`)
  const colon = s.indexOf(':')
  let epoch = 0
  let rest = s
  if (colon >= 0) {
    const e = s.slice(0, colon)
    if (!/^\d+$/.test(e)) throw new RangeError(`"${v}": the epoch must be a number`)
    epoch = Number(e)
    rest = s.slice(colon + 1)
  }
  const dash = rest.lastIndexOf('-')
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest
  const revision = dash >= 0 ? rest.slice(dash + 1) : ''
  if (upstream === '' || !/^[0-9]/.test(upstream)) throw new RangeError(`"${v}": the upstream version must start with a digit`)
  if (!/^[A-Za-z0-9.+~:-]+$/.test(upstream) || !/^[A-Za-z0-9.+~]*$/.test(revision)) throw new RangeError(`"${v}" has characters a Debian version cannot have`)
  return { epoch, upstream, revision }
}

const order = (c: string | undefined): number => {
  if (c === undefined) return 0
  if (c === '~') return -1
  if (/[0-9]/.test(c)) return 0
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0)
  return c.charCodeAt(0) + 256
}

export function verrevcmp (a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    let firstDiff = 0
    while ((i < a.length && !/[0-9]/.test(a[i]!)) || (j < b.length && !/[0-9]/.test(b[j]!))) {
      const ac = order(i < a.length && !/[0-9]/.test(a[i]!) ? a[i] : undefined)
      const bc = order(j < b.length && !/[0-9]/.test(b[j]!) ? b[j] : undefined)
      if (ac !== bc) return ac - bc
      i++; j++
    }
    while (a[i] === '0') i++
    while (b[j] === '0') j++
    while (i < a.length && /[0-9]/.test(a[i]!) && j < b.length && /[0-9]/.test(b[j]!)) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j)
      i++; j++
    }
    if (i < a.length && /[0-9]/.test(a[i]!)) return 1
    if (j < b.length && /[0-9]/.test(b[j]!)) return -1
    if (firstDiff) return firstDiff
  }
  return 0
}

export const dpkgComparator: Comparator = {
  scheme: 'dpkg',
  compare (a, b) {
    const x = parseDpkg(a)
    const y = parseDpkg(b)
    if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch)
    const up = verrevcmp(x.upstream, y.upstream)
    if (up !== 0) return sign(up)
    return sign(verrevcmp(x.revision, y.revision))
  },
  valid: v => { try { parseDpkg(v); return true } catch { return false } }
}
