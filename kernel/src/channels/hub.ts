import type { FastifyBaseLogger } from 'fastify'
import type { WebSocket } from 'ws'
import type { Bus, BusMessage } from '../bus/bus.ts'
import { ApiError } from '../errors/errors.ts'
import type { Features } from '../licensing/features.ts'
import type { PrincipalResolver } from '../auth/principal.ts'
import type { TokenService } from '../auth/tokens.ts'

export const CLOSE = { expired: 4001, forbidden: 4003, slowConsumer: 1013, goingAway: 1001 } as const

/**
 * A channel and who may open it. Kernel channels have no plugin and no permission: every active
 * user of the tenant may open them. On a `personal` channel only messages addressed to one user
 * (`BusMessage.userId`) are delivered, and only to that user's sockets.
 */
export interface ChannelInfo { id: string, plugin: string | null, permission: string | null, personal?: boolean }

interface Conn {
  socket: WebSocket
  tenantId: string
  userId: string
  channel: ChannelInfo
  exp: number
  /** The session version of the token that opened (or last re-authenticated) the socket. */
  sv: number
  expiry: NodeJS.Timeout
  alive: boolean
}

export interface HubOptions {
  /** A socket whose unsent data passes this many bytes is closed (1013) instead of growing memory. */
  maxBufferedBytes: number
  heartbeatMs: number
  /** How often every socket's permission and feature are checked again. */
  recheckMs: number
}

/**
 * The sockets of this instance, by tenant. Bus messages reach only sockets of the message's
 * tenant on its channel; each socket's right to the channel is re-checked on a timer and on
 * re-authentication, and it closes when its token expires.
 */
export function createHub (deps: { bus: Bus, tokens: TokenService, principals: PrincipalResolver, features: Features, accounts: (tenantId: string, userIds: string[]) => Promise<Map<string, { roles: string[], sessionVersion: number }>>, log: FastifyBaseLogger, options: HubOptions }) {
  const byTenant = new Map<string, Set<Conn>>()
  const log = deps.log.child({ component: 'channels' })

  const close = (conn: Conn, code: number, reason: string) => {
    if (conn.socket.readyState === conn.socket.OPEN || conn.socket.readyState === conn.socket.CONNECTING) conn.socket.close(code, reason)
  }

  function scheduleExpiry (conn: Conn): void {
    clearTimeout(conn.expiry)
    conn.expiry = setTimeout(() => close(conn, CLOSE.expired, 'token expired'), Math.max(0, conn.exp * 1000 - Date.now()))
  }

  /** Whether a user with `roles` may read the socket's channel now (feature and permission). */
  async function allowedFor (conn: Conn, roles: string[]): Promise<number | null> {
    if (conn.channel.plugin === null && conn.channel.permission === null) return null
    const grants = await deps.features.grants(conn.tenantId, roles)
    const enabled = conn.channel.plugin === null || grants.enabled.some(r => r.manifest.id === conn.channel.plugin)
    return enabled && (conn.channel.permission === null || grants.permissions.has(conn.channel.permission)) ? null : CLOSE.forbidden
  }

  /**
   * Re-checks every socket of a tenant with one query for all its users (not one per socket):
   * a user disabled, a tenant suspended, a role, permission or feature gone closes with 4003;
   * sessions ended (sign-out everywhere, a password reset) close with 4001, as an expired token.
   */
  async function recheckTenant (tenantId: string, live: Set<Conn>): Promise<void> {
    // A snapshot: sockets opened while this check runs were authorised just now, and their
    // users are not in the account list loaded below.
    const conns = [...live]
    const accounts = await deps.accounts(tenantId, [...new Set(conns.map(c => c.userId))])
    for (const conn of conns) {
      const account = accounts.get(conn.userId)
      if (account && account.sessionVersion > conn.sv) { close(conn, CLOSE.expired, 'session ended'); continue }
      const denied = account ? await allowedFor(conn, account.roles) : CLOSE.forbidden
      if (denied) close(conn, denied, 'permission or feature withdrawn')
    }
  }

  function send (conn: Conn, payload: string): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return
    if (conn.socket.bufferedAmount + payload.length > deps.options.maxBufferedBytes) {
      log.warn({ tenantId: conn.tenantId, userId: conn.userId, channel: conn.channel.id, buffered: conn.socket.bufferedAmount }, 'closing a slow consumer')
      // terminate, not close: a client that reads nothing would never take the close frame either.
      conn.socket.terminate()
      return
    }
    conn.socket.send(payload)
  }

  const unsubscribe = deps.bus.subscribe((m: BusMessage) => {
    const conns = byTenant.get(m.tenantId)
    if (!conns) return
    let payload: string | undefined
    for (const conn of conns) {
      if (conn.channel.id !== m.channel) continue
      // Addressed to one user: no other socket of the tenant gets it; a personal channel carries nothing else.
      if (m.userId !== undefined ? m.userId !== conn.userId : conn.channel.personal === true) continue
      payload ??= JSON.stringify({ type: 'event', channel: m.channel, event: m.event, data: m.data, id: m.id, ts: m.ts })
      send(conn, payload)
    }
  })

  async function reauthenticate (conn: Conn, token: unknown): Promise<void> {
    try {
      if (typeof token !== 'string') throw new ApiError('invalid_token')
      const claims = await deps.tokens.verify(token)
      if (claims.sub !== conn.userId || claims.tid !== conn.tenantId) return close(conn, CLOSE.forbidden, 'token of another user')
      conn.exp = claims.exp
      conn.sv = claims.sv ?? 0
      const identity = await deps.principals.resolve(claims)
      const denied = await allowedFor(conn, identity.roles)
      if (denied) return close(conn, denied, 'permission withdrawn')
      scheduleExpiry(conn)
      conn.socket.send(JSON.stringify({ type: 'auth', ok: true, exp: conn.exp }))
    } catch {
      close(conn, CLOSE.expired, 'invalid token')
    }
  }

  const heartbeat = setInterval(() => {
    for (const conns of byTenant.values()) {
      for (const conn of conns) {
        if (!conn.alive) { conn.socket.terminate(); continue }
        conn.alive = false
        conn.socket.ping()
      }
    }
  }, deps.options.heartbeatMs)
  heartbeat.unref()

  let rechecking = false
  const recheck = setInterval(() => {
    if (rechecking) return
    rechecking = true
    void (async () => {
      for (const [tenantId, conns] of [...byTenant]) {
        await recheckTenant(tenantId, conns).catch(err => log.warn({ err, tenantId }, 'socket re-check failed; will retry'))
      }
    })().finally(() => { rechecking = false })
  }, deps.options.recheckMs)
  recheck.unref()

  return {
    attach (socket: WebSocket, who: { tenantId: string, userId: string, exp: number, sv: number, channel: ChannelInfo }): void {
      const conn: Conn = { socket, ...who, expiry: setTimeout(() => {}, 0), alive: true }
      scheduleExpiry(conn)
      let conns = byTenant.get(who.tenantId)
      if (!conns) byTenant.set(who.tenantId, conns = new Set())
      conns.add(conn)
      socket.on('pong', () => { conn.alive = true })
      socket.on('message', (raw: Buffer) => {
        let msg: { type?: unknown, token?: unknown }
        try { msg = JSON.parse(raw.toString('utf8')) } catch { return socket.send(JSON.stringify({ type: 'error', code: 'bad_message', detail: 'messages are JSON' })) }
        if (msg.type === 'auth') void reauthenticate(conn, msg.token)
        else if (msg.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }))
        else socket.send(JSON.stringify({ type: 'error', code: 'bad_message', detail: 'expected { type: "auth", token }' }))
      })
      socket.on('close', () => {
        clearTimeout(conn.expiry)
        conns.delete(conn)
        if (conns.size === 0) byTenant.delete(who.tenantId)
      })
      socket.on('error', err => log.debug({ err }, 'socket error'))
    },

    count (): number {
      let n = 0
      for (const conns of byTenant.values()) n += conns.size
      return n
    },

    /** Closes every socket with 1001 and stops listening to the bus. */
    async stop (): Promise<void> {
      unsubscribe()
      clearInterval(heartbeat)
      clearInterval(recheck)
      for (const conns of byTenant.values()) for (const conn of conns) close(conn, CLOSE.goingAway, 'server shutting down')
    }
  }
}

export type Hub = ReturnType<typeof createHub>
