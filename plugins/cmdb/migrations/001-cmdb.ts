import type { Knex } from 'knex'
import { tenantTable } from '@monozu/kernel'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

// Why the lookups below compare plain columns with `=`: under row-level security PostgreSQL
// only uses an index for operators marked LEAKPROOF, and jsonb @>, array &&, lower() and LIKE
// are not. So every value we filter or match on is stored normalised (lower-case keys, one row
// per custom-field value or MAC) and compared with text/uuid equality, which is leakproof.
export async function up (knex: Knex): Promise<void> {
  // Tenant-defined types, and the custom fields a tenant added to a built-in type (builtin = true).
  await tenantTable(knex, 'cmdb_types', t => {
    t.string('key', 40).notNullable()
    t.boolean('builtin').notNullable().defaultTo(false)
    t.string('label', 100).notNullable()
    t.string('description', 500)
    t.jsonb('fields').notNullable().defaultTo('[]')
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'key'])
  })

  await tenantTable(knex, 'cmdb_cis', t => {
    t.uuid('id').notNullable()
    t.string('type', 40).notNullable()
    t.string('name', 200).notNullable()
    t.string('name_key', 200).notNullable() // lower(name): unique per type, sort and match key
    t.string('status', 20).notNullable()
    t.string('site', 100)
    t.string('description', 2000)
    t.string('hostname', 253) // stored lower-case
    t.string('serial', 100) // stored trimmed, upper-case
    t.string('hardware_uuid', 36) // stored lower-case, hyphenated
    t.specificType('macs', 'text[]').notNullable().defaultTo('{}') // lower-case, colon-separated
    t.jsonb('attributes').notNullable().defaultTo('{}') // the type's fields, typed JSON values
    t.jsonb('locked').notNullable().defaultTo('[]') // field keys discovery must not overwrite
    t.jsonb('sources').notNullable().defaultTo('{}') // field key -> where its value came from
    t.integer('version').notNullable().defaultTo(1)
    ts(t, 'created_at').notNullable()
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'type', 'name_key'])
    t.index(['tenant_id', 'name_key', 'id'])
    t.index(['tenant_id', 'status', 'name_key'])
    t.index(['tenant_id', 'site'])
    t.index(['tenant_id', 'created_at', 'id'])
    t.index(['tenant_id', 'updated_at', 'id'])
    t.index(['tenant_id', 'serial'])
    t.index(['tenant_id', 'hardware_uuid'])
    t.index(['tenant_id', 'hostname'])
  })

  // One row per indexed value: custom/type field values (lower-case text form) and MACs (field "macs").
  await tenantTable(knex, 'cmdb_ci_values', t => {
    t.uuid('ci_id').notNullable()
    t.string('field', 40).notNullable()
    t.string('value', 256).notNullable()
    t.primary(['tenant_id', 'ci_id', 'field', 'value'])
    t.index(['tenant_id', 'field', 'value', 'ci_id'])
    t.foreign(['tenant_id', 'ci_id']).references(['tenant_id', 'id']).inTable('cmdb_cis').onDelete('CASCADE')
  })

  await tenantTable(knex, 'cmdb_relations', t => {
    t.uuid('id').notNullable()
    t.uuid('source_id').notNullable()
    t.uuid('target_id').notNullable()
    t.string('type', 20).notNullable()
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'source_id', 'target_id', 'type'])
    t.index(['tenant_id', 'target_id'])
    t.foreign(['tenant_id', 'source_id']).references(['tenant_id', 'id']).inTable('cmdb_cis').onDelete('CASCADE')
    t.foreign(['tenant_id', 'target_id']).references(['tenant_id', 'id']).inTable('cmdb_cis').onDelete('CASCADE')
  })

  // The change log outlives what it describes: no foreign keys to CIs or relations.
  await tenantTable(knex, 'cmdb_changes', t => {
    t.bigIncrements('seq').primary()
    t.string('entity', 10).notNullable() // ci | relation
    t.string('action', 10).notNullable() // create | update | delete
    t.uuid('ci_id').notNullable() // the CI, or a relation's source
    t.uuid('other_ci_id') // a relation's target
    t.uuid('relation_id')
    t.jsonb('before')
    t.jsonb('after')
    t.string('actor_kind', 20).notNullable() // user | import | discovery | review
    t.string('actor_id', 100).notNullable()
    t.string('actor_name', 200)
    t.string('request_id', 100).notNullable()
    t.string('message', 500)
    ts(t, 'at').notNullable()
    t.index(['tenant_id', 'ci_id', 'seq'])
    t.index(['tenant_id', 'other_ci_id', 'seq'])
    t.index(['tenant_id', 'request_id'])
  })

  await tenantTable(knex, 'cmdb_review', t => {
    t.uuid('id').notNullable()
    t.string('state', 10).notNullable() // open | accepted | merged | rejected
    t.string('reason', 200).notNullable()
    t.string('identity', 400).notNullable() // the event's normalised identifiers: one open item per identity
    t.uuid('device_id').notNullable()
    t.string('source', 64).notNullable()
    t.string('event_id', 128)
    t.jsonb('data').notNullable()
    t.jsonb('candidates').notNullable()
    t.integer('seen').notNullable().defaultTo(1)
    ts(t, 'first_seen').notNullable()
    ts(t, 'last_seen').notNullable()
    ts(t, 'resolved_at')
    t.string('resolved_by', 100)
    t.uuid('ci_id')
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'state', 'last_seen', 'id'])
  })
  await knex.raw("create unique index cmdb_review_open_identity on cmdb_review (tenant_id, identity) where state = 'open'")
}

export async function down (knex: Knex): Promise<void> {
  for (const table of ['cmdb_review', 'cmdb_changes', 'cmdb_relations', 'cmdb_ci_values', 'cmdb_cis', 'cmdb_types']) {
    await knex.schema.dropTableIfExists(table)
  }
}
