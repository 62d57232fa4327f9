import { randomBytes } from 'node:crypto'
import knex from 'knex'
import { runtimeRoleName } from '../db/dialects/postgres.ts'

/** A fresh, empty PostgreSQL database on the server of `adminUrl`, dropped (with its runtime role) by `drop()`. */
export async function freshDatabase (adminUrl: string): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `mz_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } })
  try { await admin.raw(`create database ${name}`) } finally { await admin.destroy() }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop () {
      const a = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } })
      try {
        await a.raw(`drop database if exists ${name} with (force)`)
        await a.raw(`drop role if exists ${runtimeRoleName(name)}`)
      } finally { await a.destroy() }
    }
  }
}
