// One JSON line per request. Personal data stays out: never the message, the name or the
// token; the sender only as the domain of the address; the IP with its host part zeroed
// (enough to see an abusive network, not a person).

export interface RequestLog {
  method: string
  path: string
  status: number
  outcome: string
  ms: number
  /** Cloudflare's request id, to find the request in Cloudflare's own logs. */
  ray?: string
  ip?: string
  origin?: string | null
  id?: string
  resendId?: string
  emailDomain?: string
  locale?: string
  limiter?: string
  reason?: string
  fields?: string[]
}

export function logRequest (entry: RequestLog): void {
  console.log(JSON.stringify({ ts: new Date().toISOString(), level: entry.status >= 500 ? 'error' : 'info', msg: 'contact', ...entry }))
}

export function logEvent (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields }))
}

export function maskIp (ip: string): string {
  if (ip.includes(':')) {
    // IPv6: keep the /48 (the site), drop the rest.
    const groups = ip.split('::')[0]!.split(':').slice(0, 3)
    return `${groups.join(':')}::/48`
  }
  const parts = ip.split('.')
  return parts.length === 4 ? `${parts.slice(0, 3).join('.')}.0/24` : 'invalid'
}

export function emailDomain (email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase()
}
