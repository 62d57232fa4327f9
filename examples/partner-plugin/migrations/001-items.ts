import type { Knex } from 'knex'
import { tenantTable } from '@monozu/kernel'

// tenantTable adds tenant_id and the row-level security policy: the plugin's queries never
// filter by tenant themselves, and the kernel refuses to start with an unprotected table.
export async function up (knex: Knex): Promise<void> {
  await tenantTable(knex, 'partner_notes_items', t => {
    t.uuid('id').notNullable()
    t.string('title', 200).notNullable()
    t.boolean('archived').notNullable().defaultTo(false)
    t.timestamp('created_at', { useTz: true }).notNullable()
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'created_at', 'id'])
  })
}
