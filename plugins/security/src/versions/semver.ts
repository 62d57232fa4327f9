import semver from 'semver'
import { sign, type Comparator } from './types.ts'

const parse = (v: string) => {
  const parsed = semver.parse(v.trim().replace(/^v(?=\d)/, ''), { loose: false }) ?? semver.parse(v.trim().replace(/^v(?=\d)/, ''), { loose: true })
  if (!parsed) throw new RangeError(`"${v}" is not a semantic version`)
  return parsed
}

/** SemVer 2.0.0 precedence (npm, OSV SEMVER ranges): pre-releases sort before their release; build metadata is ignored. */
export const semverComparator: Comparator = {
  scheme: 'semver',
  compare: (a, b) => sign(semver.compare(parse(a), parse(b))),
  valid: v => { try { parse(v); return true } catch { return false } }
}

/** Go modules: semver with a leading v; `+incompatible` and pseudo-versions order as semver says. */
export const goComparator: Comparator = {
  scheme: 'Go module semver',
  compare: (a, b) => semverComparator.compare(a.replace(/\+incompatible$/, ''), b.replace(/\+incompatible$/, '')),
  valid: v => semverComparator.valid(v.replace(/\+incompatible$/, ''))
}
