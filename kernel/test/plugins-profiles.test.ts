import t from 'tap'
import { fileURLToPath } from 'node:url'
import { discover } from '../src/plugins/pipeline/discover.ts'
import { profilesOf, selectProfile } from '../src/plugins/pipeline/profile.ts'
import { readManifest, type PluginManifest } from '../src/plugins/manifest.ts'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const manifest = (id: string, more: Partial<PluginManifest> = {}): PluginManifest =>
  ({ id, name: { en: id, pl: id }, version: '1.0.0', description: id, kernel: '^1.0.0', ...more })

t.test('the repo\'s plugins are its workspaces that hold a plugin.json', async t => {
  const dirs = discover(repoRoot, []).map(c => c.dir.slice(repoRoot.length))
  t.ok(dirs.includes('edge-ingest'), 'edge-ingest, outside plugins/, is found without being named')
  t.ok(dirs.includes('plugins/devices'))
  t.notOk(dirs.some(d => d.startsWith('ui-') || d.startsWith('kernel') || d.startsWith('sites')), 'workspaces without a manifest are not plugins')
})

t.test('profiles come from manifests: a plugin naming `ingest` runs there with its dependencies', async t => {
  const all = [
    manifest('collector', { profiles: ['ingest'], dependencies: { keys: '^1.0.0' } }),
    manifest('keys'),
    manifest('reports'),
    manifest('both', { profiles: ['cloud', 'ingest'] })
  ]
  const ids = (profile: 'all' | 'cloud' | 'ingest') => selectProfile(all, profile).map(m => m.id).sort()
  t.same(ids('all'), ['both', 'collector', 'keys', 'reports'])
  t.same(ids('cloud'), ['both', 'keys', 'reports'], 'no `profiles` means cloud')
  t.same(ids('ingest'), ['both', 'collector', 'keys'], 'an ingest plugin brings its dependencies')
  t.same(profilesOf(all[1] as PluginManifest, all), ['all', 'cloud', 'ingest'])
  t.same(profilesOf(all[0] as PluginManifest, all), ['all', 'ingest'])
})

t.test('the repo\'s own edge-ingest is an ingest plugin by its manifest', async t => {
  const installed = discover(repoRoot, []).map(c => readManifest(c.dir))
  const ids = (profile: 'cloud' | 'ingest') => selectProfile(installed, profile).map(m => m.id)
  t.notOk(ids('cloud').includes('edge-ingest'))
  t.same(ids('ingest').sort(), ['devices', 'edge-ingest'])
})

t.test('a management-only plugin runs only under --profile management, never in `all`', async t => {
  const all = [manifest('management', { profiles: ['management'] }), manifest('reports'), manifest('shared', { profiles: ['cloud', 'management'] })]
  const ids = (profile: 'all' | 'cloud' | 'management') => selectProfile(all, profile).map(m => m.id).sort()
  t.same(ids('all'), ['reports', 'shared'])
  t.same(ids('cloud'), ['reports', 'shared'])
  t.same(ids('management'), ['management', 'shared'])
  t.same(profilesOf(all[0] as PluginManifest, all), ['management'])
})
