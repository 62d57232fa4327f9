import { apkComparator } from './apk.ts'
import { dpkgComparator } from './dpkg.ts'
import { mavenComparator } from './maven.ts'
import { pep440Comparator } from './pep440.ts'
import { rpmComparator } from './rpm.ts'
import { goComparator, semverComparator } from './semver.ts'
import type { Comparator } from './types.ts'

export type { Comparator } from './types.ts'
export { semverComparator } from './semver.ts'

const RPM = ['Red Hat', 'Rocky Linux', 'AlmaLinux', 'openSUSE', 'SUSE', 'Mageia', 'openEuler', 'Photon OS', 'Azure Linux']

/** The ordering of an OSV ecosystem (`Debian:12` uses Debian's); null when we have none. */
export function comparatorFor (ecosystem: string): Comparator | null {
  const base = ecosystem.split(':')[0]!
  switch (base) {
    case 'npm': return semverComparator
    case 'PyPI': return pep440Comparator
    case 'Maven': return mavenComparator
    case 'Go': return goComparator
    case 'Debian': case 'Ubuntu': return dpkgComparator
    case 'Alpine': case 'Wolfi': case 'Chainguard': return apkComparator
    case 'crates.io': case 'Hex': case 'Pub': return semverComparator
    default: return RPM.includes(base) ? rpmComparator : null
  }
}
