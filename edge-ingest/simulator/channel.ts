import type { Command, CommandResult } from './commands.ts'
import { call, describe, HttpError, sleep } from './http.ts'
import type { Log } from './log.ts'
import type { Stats } from './stats.ts'

/** How a device reports progress on a command. */
export interface Reporter {
  ack (id: string, state: 'acked' | 'running'): Promise<void>
  result (id: string, result: CommandResult): Promise<void>
}

export interface ChannelOptions {
  url: string
  hostname: string
  key: () => string
  stats: Stats
  log: Log
  /** Runs a command to its result; the device serialises and de-duplicates. */
  run: (command: Command, reporter: Reporter) => Promise<void>
}

export interface CommandChannel {
  start (): void
  /** Drops the connection for `ms` (a rebooting appliance is away). */
  pause (ms: number): void
  stop (): void
}

/** Acks and results over HTTP: for polling, and for a socket that dropped mid-command. */
export function httpReporter (options: Pick<ChannelOptions, 'url' | 'key' | 'log' | 'hostname'>): Reporter {
  const post = async (path: string, body: unknown) => {
    for (let attempt = 0, wait = 500; ; attempt++, wait *= 2) {
      try {
        await call(options.url, path, { body, headers: { 'x-device-key': options.key() } })
        return
      } catch (err) {
        // 4xx will not change on a retry (the command timed out, was cancelled, ...).
        const final = (err instanceof HttpError && err.status < 500 && err.status !== 429) || attempt >= 4
        if (final) { options.log.warnThrottled(`report-${describe(err)}`, `${options.hostname}: ${path}: ${describe(err)}`); return }
        await sleep(wait)
      }
    }
  }
  return {
    ack: (id, state) => post(`/api/v1/commands/${encodeURIComponent(id)}/ack`, { state }),
    result: (id, result) => post(`/api/v1/commands/${encodeURIComponent(id)}/result`, result)
  }
}

/** The device socket `GET /api/ws/device`: commands are pushed; reconnects with backoff. */
export function socketChannel (options: ChannelOptions): CommandChannel {
  const http = httpReporter(options)
  const wsUrl = new URL('/api/ws/device', options.url)
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:'
  let socket: WebSocket | null = null
  let open = false
  let stopped = false
  let backoff = 1000
  let timer: NodeJS.Timeout | null = null

  const send = (message: unknown): boolean => {
    if (!socket || !open) return false
    socket.send(JSON.stringify(message))
    return true
  }
  // Over the socket while it is up, else over HTTP: a result is never lost to a reconnect.
  const reporter: Reporter = {
    ack: async (id, state) => { if (!send({ type: 'ack', id, state })) await http.ack(id, state) },
    result: async (id, result) => { if (!send({ type: 'result', id, ...result })) await http.result(id, result) }
  }

  const schedule = (ms: number) => {
    if (stopped) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(connect, ms)
  }

  function connect (): void {
    timer = null
    if (stopped) return
    const ws = new WebSocket(wsUrl, { headers: { 'x-device-key': options.key() } })
    socket = ws
    ws.onopen = () => {
      open = true
      backoff = 1000
      options.stats.devices.connected++
    }
    ws.onmessage = event => {
      let message: any
      try { message = JSON.parse(String(event.data)) } catch { return }
      if (message?.type === 'command' && message.command?.id) void options.run(message.command, reporter)
      else if (message?.type === 'error') options.log.warnThrottled(`ws-error-${message.code}`, `${options.hostname}: device socket: ${message.code} ${message.detail ?? ''}`)
    }
    ws.onclose = event => {
      if (socket !== ws) return
      if (open) options.stats.devices.connected--
      else options.log.warnThrottled('ws-connect', `device socket: could not connect (${event.code || 'refused'}); retrying`)
      open = false
      socket = null
      // 4001: the key was revoked; reconnecting would only be refused.
      if (event.code === 4001) { stopped = true; options.log.warn(`${options.hostname}: device socket closed: ${event.reason || 'key revoked'}`); return }
      schedule(backoff + Math.random() * 500)
      backoff = Math.min(backoff * 2, 30_000)
    }
    ws.onerror = () => { /* a close event follows with what we need */ }
  }

  const drop = () => {
    const ws = socket
    if (!ws) return
    if (open) options.stats.devices.connected--
    open = false
    socket = null
    ws.close(1000, 'bye')
  }

  return {
    start: connect,
    pause (ms) { drop(); schedule(ms) },
    stop () {
      stopped = true
      if (timer) clearTimeout(timer)
      drop()
    }
  }
}

/** Polling `GET /api/v1/devices/self/commands`: one command at a time, ack and result over HTTP. */
export function pollChannel (options: ChannelOptions & { pollMs: number }): CommandChannel {
  const reporter = httpReporter(options)
  let stopped = false
  let pausedUntil = 0
  const wake = new AbortController()

  async function loop (): Promise<void> {
    let backoff = options.pollMs
    while (!stopped) {
      const paused = pausedUntil - Date.now()
      if (paused > 0) { await sleep(paused, wake.signal); continue }
      try {
        const answer = await call<{ items: Command[] }>(options.url, '/api/v1/devices/self/commands', { headers: { 'x-device-key': options.key() } })
        backoff = options.pollMs
        const command = answer.items?.[0]
        // Got one: ask again at once, the next may be queued behind it.
        if (command) { await options.run(command, reporter); continue }
      } catch (err) {
        options.log.warnThrottled(`poll-${describe(err)}`, `${options.hostname}: polling for commands: ${describe(err)}`)
        backoff = Math.min(backoff * 2, 30_000)
      }
      await sleep(backoff, wake.signal)
    }
  }

  return {
    start () { void loop() },
    pause (ms) { pausedUntil = Date.now() + ms },
    stop () { stopped = true; wake.abort() }
  }
}
