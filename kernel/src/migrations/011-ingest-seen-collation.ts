import type { Knex } from 'knex'

// ingest_seen's event ids compare byte by byte (collation "C") instead of by the database's
// collation. Every ingested event with an id is one insert into ingest_seen's key, and each insert
// compares the new id with some twenty others on its way down the btree (about log2 of the rows).
// A language collation makes each comparison a strcoll or ICU call, though the key only ever asks
// "equal or not" (which every deterministic collation answers byte by byte anyway). In psql,
// 3,200 ids of 14-16 characters per insert: 16.0 ms with "en-US-x-icu", 13.2 with C.UTF-8 (the
// test machines' default), 11.4 with "C". Nothing sorts or displays these ids, so no order
// changes for anyone.
//
// PostgreSQL rewrites only the key's index, not the table, but holds ingest_seen locked while it
// does, so ingest commits wait: about 1 s per million ids held (48 hours of them), kernel/README.md "CLI".
const collate = (knex: Knex, collation: string) =>
  knex.raw(`alter table ingest_seen alter column event_id type varchar(128) collate "${collation}"`)

export async function up (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return // SQL Server stores no ingest events
  await collate(knex, 'C')
}

export async function down (knex: Knex): Promise<void> {
  if (knex.client.dialect === 'mssql') return
  await collate(knex, 'default')
}
