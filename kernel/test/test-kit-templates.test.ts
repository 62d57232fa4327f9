import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startTestKernel, testDatabase } from '@monozu/kernel/testing'
import { templateName } from '../src/testing/migrated.ts'

// The test kit starts kernels from a migrated template per set of migration files. What must
// hold: a kernel from a template is the same as one migrated from scratch, an edited migration
// never reuses an old template, and a failing migration fails the start as it always did.

const fixture = fileURLToPath(new URL('./fixtures/plugins/fx-notes/', import.meta.url))
const dialect = testDatabase()

function pluginCopy (): string {
  const dir = mkdtempSync(join(tmpdir(), 'monozu-tpl-plugin-'))
  cpSync(fixture, dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function templateExists (k: Awaited<ReturnType<typeof startTestKernel>>, name: string): Promise<boolean> {
  if (dialect === 'pglite') return existsSync(name)
  return (await k.owner.raw('select 1 from pg_database where datname = ?', [name])).rows.length === 1
}

async function tables (k: Awaited<ReturnType<typeof startTestKernel>>): Promise<string[]> {
  const rows = await k.owner.raw("select tablename from pg_tables where schemaname = 'public' and tablename like 'fx\\_%' order by 1")
  return rows.rows.map((r: { tablename: string }) => r.tablename)
}

t.test('two kernels with one plugin set share a template, and each works on its own rows', async t => {
  const dir = pluginCopy()
  const name = templateName(dialect, { plugins: [dir] }) as string
  t.ok(name, 'the set has a template name')
  const a = await startTestKernel({ plugins: [dir] })
  t.teardown(() => a.close())
  t.ok(await templateExists(a, name), 'the first kernel built the template for its set')
  const b = await startTestKernel({ plugins: [dir] })
  t.teardown(() => b.close())
  t.same(await tables(b), ['fx_notes'], 'the plugin table is there')
  t.same(await b.owner('mz_migrations_fx_notes').pluck('name'), ['001-notes.ts'], 'the migration is recorded as applied')
  const tenant = await a.createTenant()
  t.ok(await a.tenantBySlug(tenant.slug), 'the kernel from the template creates a tenant')
  t.equal(await b.tenantBySlug(tenant.slug), undefined, 'the other kernel, from the same template, does not see it')
})

t.test('an added migration gets a new template, and runs', async t => {
  const dir = pluginCopy()
  const first = templateName(dialect, { plugins: [dir] })
  writeFileSync(join(dir, 'migrations', '002-tags.ts'), `import { tenantTable } from '@monozu/kernel'
export async function up (knex) { await tenantTable(knex, 'fx_note_tags', t => { t.uuid('id').notNullable(); t.primary(['tenant_id', 'id']) }) }
`)
  const second = templateName(dialect, { plugins: [dir] })
  t.not(second, first, 'the edited set has another template')
  const k = await startTestKernel({ plugins: [dir] })
  t.teardown(() => k.close())
  t.same(await tables(k), ['fx_note_tags', 'fx_notes'], 'the new migration ran')
  t.ok(await templateExists(k, second as string), 'and its template was built')
})

t.test('a failing migration fails the start with its own error, and leaves no template', async t => {
  const dir = pluginCopy()
  writeFileSync(join(dir, 'migrations', '002-broken.ts'), `export async function up (knex) { await knex.raw('select * from no_such_table_here') }
`)
  await t.rejects(startTestKernel({ plugins: [dir] }), /no_such_table_here/, 'the migration error, as without templates')
  const k = await startTestKernel()
  t.teardown(() => k.close())
  t.notOk(await templateExists(k, templateName(dialect, { plugins: [dir] }) as string), 'no template for a set that does not migrate')
})
