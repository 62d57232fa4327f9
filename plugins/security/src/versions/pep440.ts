import { compare, valid } from '@renovatebot/pep440'
import { sign, type Comparator } from './types.ts'

/** PyPI: PEP 440 (epochs, pre-, post- and dev-releases, local versions). */
export const pep440Comparator: Comparator = {
  scheme: 'PEP 440',
  compare (a, b) {
    if (!valid(a)) throw new RangeError(`"${a}" is not a PEP 440 version`)
    if (!valid(b)) throw new RangeError(`"${b}" is not a PEP 440 version`)
    return sign(compare(a, b))
  },
  valid: v => valid(v) !== null
}
