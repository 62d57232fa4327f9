// npm run build:sites is a production build: without the contact API's URL and the Turnstile site
// key it refuses to run, naming them, and builds nothing; it never falls back to local values.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { buildEnv } from '../build-sites.ts'

const root = resolve(import.meta.dirname, '..', '..')
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['CONTACT_API_URL', 'TURNSTILE_SITE_KEY', 'SITES_MODE'].includes(k)))

function run (args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [join(root, 'scripts', 'build-sites.ts'), ...args], { cwd: root, env, encoding: 'utf8' })
}

t.test('without its settings the production build refuses to run', async t => {
  const none = run([], clean)
  t.equal(none.status, 2, 'exit code 2')
  t.match(none.stderr, /needs CONTACT_API_URL and TURNSTILE_SITE_KEY/, 'names both variables')
  t.match(none.stderr, /SITES_MODE=development/, 'and says how to build for local development')
  t.notMatch(none.stdout, /\[1\//, 'nothing was built')

  const half = run([], { ...clean, CONTACT_API_URL: 'https://contact.monozu.example/api/contact' })
  t.equal(half.status, 2, 'one of the two is not enough')
  t.match(half.stderr, /needs TURNSTILE_SITE_KEY/, 'names the missing one')
  t.notMatch(half.stderr, /needs CONTACT_API_URL/, 'not the one that is set')

  const blank = run([], { ...clean, CONTACT_API_URL: ' ', TURNSTILE_SITE_KEY: '' })
  t.equal(blank.status, 2, 'blank values count as missing')

  const bad = run([], { ...clean, CONTACT_API_URL: 'contact-api', TURNSTILE_SITE_KEY: 'k' })
  t.equal(bad.status, 2, 'a contact API URL that is not a URL is refused')
  t.match(bad.stderr, /CONTACT_API_URL is not a URL/)

  const mode = run([], { ...clean, SITES_MODE: 'staging' })
  t.equal(mode.status, 2, 'an unknown SITES_MODE is refused')
})

t.test('the development mode is explicit and uses the local stand-ins', async t => {
  t.equal(buildEnv(['--development'], clean).SITES_MODE, 'development', '--development sets SITES_MODE=development for every site')
  t.equal(buildEnv([], { ...clean, SITES_MODE: 'development' }).SITES_MODE, 'development', 'so does SITES_MODE=development')
  t.equal(buildEnv([], { ...clean, CONTACT_API_URL: 'https://c.example/api/contact', TURNSTILE_SITE_KEY: '0x4AAA' }).SITES_MODE, 'production', 'production otherwise')
  t.throws(() => buildEnv([], clean), /CONTACT_API_URL and TURNSTILE_SITE_KEY/, 'and production checks its settings')
})
