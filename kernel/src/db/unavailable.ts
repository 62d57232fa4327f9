// Errors that mean "the database cannot be reached right now" rather than "this request is
// wrong": callers answer 503 with Retry-After, and the client tries again later.

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ESOCKET', 'ETIMEOUT'])
// PostgreSQL: too many connections, the server shutting down or starting, a cut connection.
const serverCodes = new Set(['53300', '57P01', '57P02', '57P03'])

export function databaseUnavailable (err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const e = err as { code?: unknown, severity?: unknown, name?: unknown, message?: unknown }
  const code = typeof e.code === 'string' ? e.code : ''
  if (networkCodes.has(code) || serverCodes.has(code) || code.startsWith('08')) return true
  // A FATAL error ends (or refused) the session itself, whatever its code.
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return true
  // knex found no connection in time; node-postgres lost one; the SQL Server driver's connection errors.
  if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionError') return true
  return typeof e.message === 'string' && /^Connection terminated/.test(e.message)
}
