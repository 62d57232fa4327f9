// Which errors mean "the database is away" (503, retry later) and which mean a bug (500).
import t from 'tap'
import { databaseUnavailable } from '../src/db/unavailable.ts'

t.test('connection failures are unavailability; query errors are not', async t => {
  const away = [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    { name: 'error', code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' },
    { name: 'error', code: '55000', severity: 'FATAL', message: 'database "x" is not currently accepting connections' },
    { name: 'error', code: '53300', severity: 'FATAL', message: 'sorry, too many clients already' },
    { name: 'error', code: '08006', severity: 'ERROR', message: 'connection failure' },
    Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
    new Error('Connection terminated unexpectedly'),
    Object.assign(new Error('Failed to connect to localhost:1433'), { name: 'ConnectionError', code: 'ESOCKET' })
  ]
  for (const err of away) t.ok(databaseUnavailable(err), `${(err as Error).message}: unavailable`)
  const bugs = [
    { name: 'error', code: '23505', severity: 'ERROR', message: 'duplicate key value violates unique constraint' },
    { name: 'error', code: '42P01', severity: 'ERROR', message: 'relation "nope" does not exist' },
    { name: 'error', code: '55000', severity: 'ERROR', message: 'object not in prerequisite state' },
    new TypeError('x is undefined'),
    null,
    'a string'
  ]
  for (const err of bugs) t.notOk(databaseUnavailable(err), `${JSON.stringify((err as Error)?.message ?? err)}: not unavailability`)
})
