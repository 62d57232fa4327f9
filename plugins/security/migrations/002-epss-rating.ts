import type { Knex } from 'knex'

// Which EPSS publication the tenant's findings were last re-rated against (the epss feed's
// score date and ETag): a scan re-rates every finding once per new publication, not per scan.
export async function up (knex: Knex): Promise<void> {
  await knex.schema.alterTable('security_scan_state', t => { t.string('epss_rated', 400) })
}

export async function down (knex: Knex): Promise<void> {
  await knex.schema.alterTable('security_scan_state', t => { t.dropColumn('epss_rated') })
}
