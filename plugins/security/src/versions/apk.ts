import { sign, type Comparator } from './types.ts'

// Alpine apk-tools version ordering (src/version.c): numbers separated by dots (compared as
// integers, except that a component after the first with a leading zero compares as a decimal
// fraction), an optional single letter, suffixes (_alpha < _beta < _pre < _rc < none < _cvs <
// _svn < _git < _hg < _p), each with an optional number, then -r<revision>.

const SUFFIX: Record<string, number> = { alpha: -4, beta: -3, pre: -2, rc: -1, cvs: 1, svn: 2, git: 3, hg: 4, p: 5 }
const RE = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/

interface Apk { nums: string[], letter: string, suffixes: Array<[number, number]>, rev: number }

export function parseApk (v: string): Apk {
  const m = RE.exec(v.trim())
  if (!m) throw new RangeError(`"${v}" is not an Alpine package version`)
  const suffixes = [...(m[3] ?? '').matchAll(/_([a-z]+)(\d*)/g)].map(s => [SUFFIX[s[1]!]!, Number(s[2] || 0)] as [number, number])
  return { nums: m[1]!.split('.'), letter: m[2] ?? '', suffixes, rev: Number(m[4] ?? 0) }
}

function cmpNum (a: string, b: string, first: boolean): number {
  if (!first && (a.startsWith('0') || b.startsWith('0'))) {
    // Fractional comparison, as apk does for components with a leading zero.
    const n = Math.max(a.length, b.length)
    return sign(a.padEnd(n, '0').localeCompare(b.padEnd(n, '0')))
  }
  const x = BigInt(a)
  const y = BigInt(b)
  return x === y ? 0 : x < y ? -1 : 1
}

export const apkComparator: Comparator = {
  scheme: 'apk',
  compare (a, b) {
    const x = parseApk(a)
    const y = parseApk(b)
    const n = Math.max(x.nums.length, y.nums.length)
    for (let i = 0; i < n; i++) {
      if (x.nums[i] === undefined) return -1
      if (y.nums[i] === undefined) return 1
      const c = cmpNum(x.nums[i]!, y.nums[i]!, i === 0)
      if (c !== 0) return c
    }
    if (x.letter !== y.letter) return x.letter === '' ? -1 : y.letter === '' ? 1 : sign(x.letter.charCodeAt(0) - y.letter.charCodeAt(0))
    const m = Math.max(x.suffixes.length, y.suffixes.length)
    for (let i = 0; i < m; i++) {
      const sx = x.suffixes[i] ?? [0, 0]
      const sy = y.suffixes[i] ?? [0, 0]
      if (sx[0] !== sy[0]) return sign(sx[0] - sy[0])
      if (sx[1] !== sy[1]) return sign(sx[1] - sy[1])
    }
    return sign(x.rev - y.rev)
  },
  valid: v => RE.test(v.trim())
}
