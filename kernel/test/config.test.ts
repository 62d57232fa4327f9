import t from 'tap'
import { loadConfig, variables } from '../src/config/config.ts'

// The validation is built from the variables table: every bound a variable declares is enforced,
// and a refusal names the variable, so nothing can be declared and then not checked.
const entries = Object.entries(variables)

t.test('an empty environment gives every fallback', async t => {
  const config = loadConfig({}) as Record<string, unknown>
  t.same(Object.keys(config).sort(), Object.keys(variables).sort(), 'one key per variable')
  for (const [key, v] of entries) t.same(config[key], v.fallback, `${v.env} defaults to its fallback`)
})

t.test('every integer variable refuses values just outside its bounds', async t => {
  const integers = entries.filter(([, v]) => v.kind.schema.type === 'integer')
  t.ok(integers.length >= 14, `${integers.length} integer variables`)
  for (const [key, v] of integers) {
    const { minimum, maximum } = v.kind.schema as { minimum: number, maximum: number }
    t.equal((loadConfig({ [v.env]: String(maximum) }) as Record<string, unknown>)[key], maximum, `${v.env}=${maximum} is accepted`)
    t.throws(() => loadConfig({ [v.env]: String(maximum + 1) }), { code: 'config_invalid', message: new RegExp(`${v.env}="${maximum + 1}" is not valid: expected`) })
    if (minimum > 0) t.throws(() => loadConfig({ [v.env]: String(minimum - 1) }), { code: 'config_invalid', message: new RegExp(`${v.env}=`) })
    t.throws(() => loadConfig({ [v.env]: '12abc' }), { code: 'config_invalid' }, `${v.env} refuses a non-integer`)
  }
})

t.test('enums, flags, patterns and lists are checked as declared', async t => {
  for (const [, v] of entries.filter(([, v]) => 'enum' in v.kind.schema)) {
    t.throws(() => loadConfig({ [v.env]: 'nope' }), { code: 'config_invalid', message: new RegExp(`${v.env}="nope"`) })
  }
  t.equal(loadConfig({ NODE_ENV: 'production' }).nodeEnv, 'production')
  // A flag that is not true/false/1/0 used to read as unset: ADMIN_PANEL_ENABLED=yes left the console off silently.
  for (const [, v] of entries.filter(([, v]) => v.kind.schema.type === 'boolean')) {
    t.throws(() => loadConfig({ [v.env]: 'yes' }), { code: 'config_invalid', message: new RegExp(`${v.env}="yes" is not valid`) })
  }
  t.equal(loadConfig({ JOB_WORKER: '0' }).jobWorker, false)
  t.throws(() => loadConfig({ REDIS_URL: 'http://x' }), { message: /REDIS_URL=/ })
  t.same(loadConfig({ PLUGINS_DIRS: '/a, /b:/c' }).pluginsDirs, ['/a', '/b', '/c'])
  t.throws(() => loadConfig({ INTERNAL_TOKENS: `${'a'.repeat(32)},${'b'.repeat(32)},${'c'.repeat(32)}` }), { message: /INTERNAL_TOKENS=/ }, 'at most two tokens')
  t.throws(() => loadConfig({ ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path' }), { message: /ALLOWED_ORIGINS=/ })
  t.throws(() => loadConfig({ MONOZU_DEMO_PASSWORD: 'short' }), { message: /MONOZU_DEMO_PASSWORD=/ })
})

t.test('overrides are validated too', async t => {
  t.throws(() => loadConfig({}, { port: 70000 }), { code: 'config_invalid', message: /PORT=70000/ })
  t.equal(loadConfig({ PORT: '1' }, { port: 2 }).port, 2)
})
