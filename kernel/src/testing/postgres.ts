import { randomBytes } from 'node:crypto'
import knex from 'knex'
import { runtimeRoleName } from '../db/dialects/postgres.ts'

/**
 * A fresh PostgreSQL database on the server of `adminUrl`, dropped (with its runtime role) by
 * `drop()`: empty, or a copy of `template` (the test kit's migrated schema).
 */
export async function freshDatabase (adminUrl: string, template?: string): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `mz_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } })
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.raw(template ? `create database ${name} template ${template}` : `create database ${name}`)
        break
      } catch (err) {
        // 55006: the template is being copied by another process's CREATE DATABASE right now.
        if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err
        await new Promise(resolve => setTimeout(resolve, 100 + Math.random() * 200))
      }
    }
  } finally { await admin.destroy() }
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
