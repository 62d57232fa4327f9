import t, { type Test } from 'tap'
import { comparatorFor } from '../src/versions/index.ts'
import { evaluate, type OsvAffected } from '../src/match/osv.ts'

/** Asserts `versions` are in strictly ascending order (and each equals itself) under `ecosystem`. */
function ascending (t: Test, ecosystem: string, versions: string[]): void {
  const c = comparatorFor(ecosystem)!
  for (let i = 0; i < versions.length; i++) {
    t.equal(c.compare(versions[i]!, versions[i]!), 0, `${versions[i]} = itself`)
    for (let j = i + 1; j < versions.length; j++) {
      t.equal(c.compare(versions[i]!, versions[j]!), -1, `${ecosystem}: ${versions[i]} < ${versions[j]}`)
      t.equal(c.compare(versions[j]!, versions[i]!), 1, `${ecosystem}: ${versions[j]} > ${versions[i]}`)
    }
  }
}

t.test('npm: SemVer 2.0 precedence, pre-releases before their release, build metadata ignored', async t => {
  ascending(t, 'npm', ['0.0.1', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '4.17.20', '4.17.21', '10.0.0'])
  t.equal(comparatorFor('npm')!.compare('1.0.0+build.1', '1.0.0'), 0)
  t.notOk(comparatorFor('npm')!.valid('not-a-version'))
})

t.test('PyPI: PEP 440 (dev, pre, post, epochs, local)', async t => {
  ascending(t, 'PyPI', ['1.0.dev0', '1.0a1', '1.0a2', '1.0b1', '1.0rc1', '1.0', '1.0+local.1', '1.0.post1', '1.1', '3.1.2', '3.1.3', '1!0.1'])
  t.equal(comparatorFor('PyPI')!.compare('1.0', '1.0.0'), 0, 'trailing zeros are equal')
  t.equal(comparatorFor('PyPI')!.compare('1.0RC1', '1.0rc1'), 0, 'normalised spelling')
})

t.test('Maven: ComparableVersion qualifiers and padding', async t => {
  ascending(t, 'Maven', ['1.0-alpha-1', '1.0-alpha-2', '1.0-beta', '1.0-milestone-1', '1.0-rc1', '1.0-SNAPSHOT', '1.0', '1.0-sp1', '1.0.1', '2.12.6', '2.12.6.1', '2.13.0', '2.13.2.1'])
  const c = comparatorFor('Maven')!
  t.equal(c.compare('1.0', '1.0.0'), 0)
  t.equal(c.compare('1', '1.0-ga'), 0, 'ga is the release')
  t.equal(c.compare('1.0-cr1', '1.0-rc1'), 0, 'cr = rc')
  t.equal(c.compare('1.0-a1', '1.0-alpha-1'), 0, 'a1 is alpha-1')
})

t.test('Go: module versions with a v, pseudo-versions, +incompatible', async t => {
  ascending(t, 'Go', ['v0.16.0', 'v0.17.0-rc.1', 'v0.17.0', 'v1.2.3', 'v1.2.4-0.20230101000000-abcdefabcdef', 'v1.2.4', 'v2.0.0+incompatible'])
  t.equal(comparatorFor('Go')!.compare('0.17.0', 'v0.17.0'), 0, 'OSV writes Go versions without the v')
})

t.test('Debian: dpkg ordering with epochs, revisions and ~', async t => {
  ascending(t, 'Debian:12', ['1.0~rc1-1', '1.0-1', '1.0-1+deb12u1', '1.0-2', '1.0a-1', '1.0.1-1', '1.1.1n-0+deb11u3', '1.1.1n-0+deb11u4', '3.0.11-1~deb12u1', '3.0.11-1~deb12u2', '3.0.11-1', '9.9-1', '1:0.1-1', '1:2.0-1', '2:0.0-1'])
  const c = comparatorFor('Debian:12')!
  t.equal(c.compare('1:2.0-1', '3.0-1'), 1, 'an epoch wins over any version: 1:2.0-1 > 3.0-1')
  t.equal(c.compare('0:1.0-1', '1.0-1'), 0, 'epoch 0 is no epoch')
  t.equal(c.compare('1.0~~', '1.0~'), -1, '~~ sorts before ~')
  t.equal(c.compare('1.01-1', '1.1-1'), 0, 'numbers compare as numbers')
  t.notOk(c.valid('a1.0'), 'upstream starts with a digit')
  t.throws(() => c.compare('x:1', '1'), /epoch/)
})

t.test('Alpine: apk ordering (suffixes, letters, -r revisions)', async t => {
  ascending(t, 'Alpine:v3.20', ['1.2.3_alpha1', '1.2.3_beta', '1.2.3_rc1', '1.2.3', '1.2.3-r1', '1.2.3_p1', '1.2.4', '1.9', '1.10', '3.1.4-r4', '3.1.4-r5'])
  ascending(t, 'Alpine:v3.20', ['1.2.3', '1.2.3a', '1.2.3b', '1.2.4'])
  t.notOk(comparatorFor('Alpine:v3.20')!.valid('abc'))
})

t.test('RPM: rpmvercmp with epochs, ~ and ^', async t => {
  ascending(t, 'Rocky Linux:9', ['1.0~rc1-1', '1.0-1', '1.0-2.el9', '1.0^git1-1', '1.0a-1', '1.0.1-1', '1.1-1', '5.5p1-1', '5.5p10-1', '1:0.5-1'])
  const c = comparatorFor('Red Hat:9')!
  t.equal(c.compare('1.0a', '1.0.1'), -1, 'numbers beat letters')
  t.equal(c.compare('2.0.1', '2.0'), 1)
  t.equal(c.compare('1.0', '1.0-5.el9'), 0, 'a bound without a release matches every release')
})

t.test('an ecosystem without an ordering has no comparator', async t => {
  t.equal(comparatorFor('SwiftURL'), null)
})

// Real published advisories (the ranges as OSV publishes them).
const lodash: OsvAffected = { package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] } // GHSA-35jh-r3h4-6jhm, CVE-2021-23337
const jackson: OsvAffected = { package: { ecosystem: 'Maven', name: 'com.fasterxml.jackson.core:jackson-databind' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.12.6.1' }] }, { type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.13.2.1' }] }] } // GHSA-57j2-w4cx-62h2, CVE-2020-36518
const openssl: OsvAffected = { package: { ecosystem: 'Debian:11', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1n-0+deb11u4' }] }] } // DSA-5343-1
const xnet: OsvAffected = { package: { ecosystem: 'Go', name: 'golang.org/x/net' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.17.0' }] }] } // GO-2023-2102, CVE-2023-44487
const jinja: OsvAffected = { package: { ecosystem: 'PyPI', name: 'jinja2' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.1.3' }] }] } // GHSA-h5c8-rqwp-cp95, CVE-2024-22195

t.test('OSV ranges: introduced/fixed, with the comparison that decided as data and as a sentence', async t => {
  const hit = evaluate(lodash, 'npm', '4.17.20')
  t.match(hit, { affected: true, matchedBy: 'range', rangeType: 'SEMVER', rangeIndex: 0, scheme: 'semver', fixedVersion: '4.17.21', sentence: '4.17.20 < fixed 4.17.21 by semver' })
  t.same(hit.comparisons, [{ bound: 'introduced', op: '>=', version: '4.17.20', value: '0' }, { bound: 'fixed', op: '<', version: '4.17.20', value: '4.17.21' }])
  t.notOk(evaluate(lodash, 'npm', '4.17.21').affected, 'the fixed version is not affected')
  t.ok(evaluate(lodash, 'npm', '4.17.21-rc.1').affected, 'a pre-release of the fix is still before it')
  t.match(evaluate(jackson, 'Maven', '2.13.1'), { affected: true, rangeIndex: 1, fixedVersion: '2.13.2.1', sentence: '2.13.1 >= introduced 2.13.0 and 2.13.1 < fixed 2.13.2.1 by Maven ComparableVersion' })
  t.notOk(evaluate(jackson, 'Maven', '2.12.6.1').affected)
  t.notOk(evaluate(jackson, 'Maven', '2.13.2.1').affected)
  t.ok(evaluate(jackson, 'Maven', '2.12.6').affected)
  t.match(evaluate(openssl, 'Debian:11', '1.1.1n-0+deb11u3'), { affected: true, sentence: '1.1.1n-0+deb11u3 < fixed 1.1.1n-0+deb11u4 by dpkg' })
  t.notOk(evaluate(openssl, 'Debian:11', '1.1.1n-0+deb11u4').affected)
  t.notOk(evaluate(openssl, 'Debian:11', '1.1.1w-0+deb11u1').affected)
  t.ok(evaluate(xnet, 'Go', 'v0.16.0').affected, 'Go inventory with a v against OSV without')
  t.notOk(evaluate(xnet, 'Go', 'v0.17.0').affected)
  t.match(evaluate(jinja, 'PyPI', '3.1.3rc1'), { affected: true, sentence: '3.1.3rc1 < fixed 3.1.3 by PEP 440' })
  t.notOk(evaluate(jinja, 'PyPI', '3.1.3').affected)
})

t.test('OSV ranges: epochs, last_affected, limit, versions lists, several intervals', async t => {
  const epoch: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1:2.0-1' }, { fixed: '1:2.0-3' }] }] }
  t.notOk(evaluate(epoch, 'Debian:12', '3.0-1').affected, '3.0-1 has epoch 0: before 1:2.0-1')
  t.match(evaluate(epoch, 'Debian:12', '1:2.0-2'), { affected: true, sentence: '1:2.0-2 >= introduced 1:2.0-1 and 1:2.0-2 < fixed 1:2.0-3 by dpkg' })
  const last: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { last_affected: '1.2.0' }] }] }
  t.match(evaluate(last, 'npm', '1.2.0'), { affected: true, fixedVersion: null, sentence: '1.2.0 >= introduced 1.0.0 and 1.2.0 <= last affected 1.2.0 by semver' })
  t.notOk(evaluate(last, 'npm', '1.2.1').affected)
  t.notOk(evaluate(last, 'npm', '0.9.0').affected)
  const limited: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { limit: '2.0.0' }] }] }
  t.match(evaluate(limited, 'npm', '1.5.0'), { affected: true, sentence: '1.5.0 < limit 2.0.0 by semver' })
  t.notOk(evaluate(limited, 'npm', '2.0.0').affected)
  const open: OsvAffected = { ranges: [{ type: 'SEMVER', events: [{ introduced: '3.0.0' }] }] }
  t.match(evaluate(open, 'npm', '9.0.0'), { affected: true, fixedVersion: null })
  t.notOk(evaluate(open, 'npm', '2.9.9').affected)
  const twice: OsvAffected = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0' }, { fixed: '1.5' }, { introduced: '2.0' }, { fixed: '2.3' }] }] }
  t.ok(evaluate(twice, 'PyPI', '1.4').affected)
  t.notOk(evaluate(twice, 'PyPI', '1.7').affected, 'between the intervals')
  t.match(evaluate(twice, 'PyPI', '2.1'), { affected: true, fixedVersion: '2.3' })
  const listed: OsvAffected = { ranges: [{ type: 'GIT', repo: 'https://example.invalid/x', events: [{ introduced: 'abc' }] }], versions: ['0.9.1', '0.9.2'] }
  t.match(evaluate(listed, 'SwiftURL', '0.9.2'), { affected: true, matchedBy: 'versions', sentence: '0.9.2 is listed as affected', skipped: [/GIT ranges/] })
  t.notOk(evaluate(listed, 'SwiftURL', '0.9.3').affected)
  t.match(evaluate(lodash, 'npm', 'banana'), { affected: false, skipped: [/not a semver version/] }, 'an unreadable inventory version is reported, not guessed')
})
