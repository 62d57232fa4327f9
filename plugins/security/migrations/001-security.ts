import type { Knex } from 'knex'
import { platformTable, tenantTable } from '@monozu/kernel'

const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true })

// Feeds (advisories, KEV, EPSS, sync state) are platform data: one copy for every tenant, written
// only by the platform-scope sync job. Inventory, alerts and findings are tenant data under RLS.
// Lookups compare plain columns with `=` (leakproof, so indexes work under RLS).
export async function up (knex: Knex): Promise<void> {
  await tenantTable(knex, 'security_alerts', t => {
    t.uuid('id').notNullable()
    t.string('fingerprint', 200).notNullable()
    t.string('rule_id', 200).notNullable()
    t.string('severity', 10).notNullable()
    t.string('title', 300).notNullable()
    t.string('source', 64).notNullable()
    t.uuid('ci_id')
    t.uuid('device_id')
    t.uuid('reported_by') // the appliance that sent it
    t.jsonb('fields').notNullable().defaultTo('{}')
    t.string('state', 20).notNullable() // open | acknowledged | resolved | suppressed
    t.uuid('suppression_id')
    t.integer('count').notNullable().defaultTo(1)
    ts(t, 'first_seen').notNullable()
    ts(t, 'last_seen').notNullable()
    ts(t, 'state_changed_at').notNullable()
    t.string('state_changed_by', 200)
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.index(['tenant_id', 'state', 'last_seen'])
  })
  // One active (not resolved) alert per fingerprint: repeats count into it.
  await knex.raw("create unique index security_alerts_active_fp on security_alerts (tenant_id, fingerprint) where state <> 'resolved'")

  await tenantTable(knex, 'security_suppressions', t => {
    t.uuid('id').notNullable()
    t.string('rule_id', 200)
    t.string('source', 64)
    t.uuid('ci_id')
    t.uuid('device_id')
    t.string('reason', 1000).notNullable()
    ts(t, 'expires_at').notNullable()
    t.string('created_by', 200).notNullable()
    ts(t, 'created_at').notNullable()
    t.primary(['tenant_id', 'id'])
  })

  await tenantTable(knex, 'security_inventory', t => {
    t.uuid('id').notNullable()
    t.string('asset_key', 80).notNullable() // ci:<uuid> or device:<uuid>
    t.uuid('ci_id')
    t.string('ci_name', 200)
    t.uuid('device_id')
    t.string('source', 64).notNullable()
    t.string('ecosystem', 64).notNullable()
    t.string('name', 214).notNullable() // as reported
    t.string('match_name', 214).notNullable() // normalised for matching (PyPI: PEP 503)
    t.string('version', 128).notNullable()
    t.string('purl', 1000)
    ts(t, 'observed_at').notNullable()
    ts(t, 'changed_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'asset_key', 'source', 'ecosystem', 'match_name', 'version'])
    t.index(['tenant_id', 'ecosystem', 'match_name'])
    t.index(['tenant_id', 'device_id'])
  })

  // Assets whose inventory changed since the last scan (the scan's incremental input).
  await tenantTable(knex, 'security_dirty_assets', t => {
    t.string('asset_key', 80).notNullable()
    ts(t, 'marked_at').notNullable()
    t.primary(['tenant_id', 'asset_key'])
  })

  await tenantTable(knex, 'security_findings', t => {
    t.uuid('id').notNullable()
    t.string('asset_key', 80).notNullable()
    t.uuid('ci_id')
    t.string('ci_name', 200)
    t.uuid('device_id')
    t.string('ecosystem', 64).notNullable()
    t.string('package', 214).notNullable()
    t.string('match_name', 214).notNullable()
    t.string('version', 128).notNullable()
    t.string('vulnerability_id', 100).notNullable()
    t.specificType('aliases', 'text[]').notNullable().defaultTo('{}')
    t.string('summary', 1000)
    t.string('severity', 10).notNullable() // critical | high | medium | low | none | unknown
    t.decimal('cvss_score', 3, 1)
    t.string('cvss_vector', 300)
    t.decimal('epss', 6, 5)
    t.boolean('kev').notNullable().defaultTo(false)
    t.decimal('risk_score', 5, 1).notNullable().defaultTo(0)
    t.string('fixed_version', 128)
    t.jsonb('explanation').notNullable()
    t.string('state', 20).notNullable() // open | fixed | risk_accepted | false_positive
    t.string('state_reason', 1000)
    t.string('state_by', 200)
    ts(t, 'accepted_until')
    ts(t, 'due_at')
    ts(t, 'first_seen').notNullable()
    ts(t, 'last_seen').notNullable()
    ts(t, 'fixed_at')
    ts(t, 'updated_at').notNullable()
    t.primary(['tenant_id', 'id'])
    t.unique(['tenant_id', 'asset_key', 'ecosystem', 'match_name', 'vulnerability_id'])
    t.index(['tenant_id', 'state', 'severity'])
    t.index(['tenant_id', 'device_id'])
    t.index(['tenant_id', 'vulnerability_id'])
  })

  await tenantTable(knex, 'security_scan_state', t => {
    t.boolean('singleton').notNullable().defaultTo(true)
    t.bigInteger('advisory_seq').notNullable().defaultTo(0) // advisories with a higher seq are new to this tenant
    ts(t, 'last_scan_at')
    t.jsonb('last_result')
    t.primary(['tenant_id'])
  })

  // Platform data.
  await platformTable(knex, 'security_advisories', t => {
    t.string('id', 100).primary() // GHSA-..., DSA-..., CVE-...
    t.bigIncrements('seq', { primaryKey: false }) // re-numbered on every change: the scans' watermark
    t.string('source', 10).notNullable() // osv | nvd
    t.specificType('aliases', 'text[]').notNullable().defaultTo('{}')
    t.string('summary', 1000)
    ts(t, 'modified').notNullable()
    ts(t, 'published')
    ts(t, 'withdrawn')
    t.string('cvss_vector', 300)
    t.jsonb('data').notNullable() // the advisory as published (OSV JSON, or the NVD cve object)
  })
  await knex.raw('create unique index security_advisories_seq on security_advisories (seq)')
  await platformTable(knex, 'security_affected', t => {
    t.string('advisory_id', 100).notNullable()
    t.integer('idx').notNullable() // position in the advisory's affected[]
    t.string('ecosystem', 64).notNullable()
    t.string('match_name', 214).notNullable()
    t.primary(['advisory_id', 'idx'])
    t.index(['ecosystem', 'match_name'])
  })
  // NVD CVE records: CVSS for advisories that carry none, and CPE configurations.
  await platformTable(knex, 'security_nvd', t => {
    t.string('cve_id', 30).primary()
    ts(t, 'last_modified').notNullable()
    ts(t, 'published')
    t.string('cvss_vector', 300)
    t.string('description', 2000)
    t.jsonb('configurations')
  })
  await platformTable(knex, 'security_kev', t => {
    t.string('cve_id', 30).primary()
    t.string('vendor', 200)
    t.string('product', 200)
    t.string('name', 500)
    t.date('date_added')
    t.date('due_date')
    t.string('ransomware', 20)
  })
  await platformTable(knex, 'security_epss', t => {
    t.string('cve_id', 30).primary()
    t.decimal('epss', 6, 5).notNullable()
    t.decimal('percentile', 6, 5).notNullable()
    t.date('score_date')
  })
  await platformTable(knex, 'security_feed_state', t => {
    t.string('feed', 80).primary() // osv:npm, nvd, kev, epss
    t.string('status', 20).notNullable() // idle | running | failed
    t.string('etag', 300)
    t.string('last_modified', 100)
    t.jsonb('cursor') // where an interrupted run resumes
    ts(t, 'last_success_at')
    ts(t, 'last_attempt_at')
    t.string('last_error', 2000)
    t.integer('items').notNullable().defaultTo(0) // rows this feed holds
    t.integer('last_changed').notNullable().defaultTo(0) // rows the last run wrote
  })
}
