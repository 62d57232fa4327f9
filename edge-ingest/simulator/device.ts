import { BackupAgent } from './backup.ts'
import { pollChannel, socketChannel, type CommandChannel, type Reporter } from './channel.ts'
import { execute, type Command } from './commands.ts'
import { discoverNetwork } from './discovery.ts'
import { describe } from './http.ts'
import type { Log } from './log.ts'
import { noticeLog, routineLog } from './logs.ts'
import { metricModel, type MetricModel } from './metrics.ts'
import type { DeviceProfile } from './profile.ts'
import { IngestSender, type IngestEvent } from './sender.ts'
import type { Stats } from './stats.ts'
import { VpnAgent } from './vpn.ts'

export interface DeviceOptions {
  url: string
  profile: DeviceProfile
  deviceId: string
  deviceKey: string
  /** Events per second this device sends (its share of --rate). */
  rate: number
  logRatio: number
  tickMs: number
  commands: 'ws' | 'poll'
  pollMs: number
  format: 'json' | 'ndjson'
  gzip: boolean
  maxBatch: number
  maxBuffer: number
  discovery: boolean
  /** Report backups too (backup.ts). */
  backup: boolean
  /** Report VPN handshakes too (vpn.ts). */
  vpn: boolean
  /** Prefix of this run's event ids: unique per run, so only a retry repeats an id. */
  runId: string
  stats: Stats
  log: Log
}

const REBOOT_MS = 8_000

/** One simulated appliance: telemetry and logs at its rate, one discovery, commands answered. */
export class SimDevice {
  readonly options: DeviceOptions
  readonly sender: IngestSender
  private model: MetricModel
  private channel: CommandChannel
  private timer: NodeJS.Timeout | null = null
  private lastTick = 0
  private lastSample = 0
  private credit = 0
  private seq = 0
  private downUntil = 0
  private booting = false
  private chain: Promise<void> = Promise.resolve()
  private seen = new Set<string>()
  private stopping = new AbortController()
  private backup: BackupAgent | null
  private vpn: VpnAgent | null

  constructor (options: DeviceOptions) {
    this.options = options
    this.model = metricModel(options.profile)
    this.backup = options.backup ? new BackupAgent(options.profile) : null
    this.vpn = options.vpn ? new VpnAgent(options.url, () => options.deviceKey) : null
    const key = () => options.deviceKey
    this.sender = new IngestSender({ url: options.url, hostname: options.profile.hostname, key, format: options.format, gzip: options.gzip, maxBatch: options.maxBatch, maxBuffer: options.maxBuffer, stats: options.stats, log: options.log })
    const channelOptions = { url: options.url, hostname: options.profile.hostname, key, stats: options.stats, log: options.log, run: this.run }
    this.channel = options.commands === 'ws' ? socketChannel(channelOptions) : pollChannel({ ...channelOptions, pollMs: options.pollMs })
  }

  get hostname (): string { return this.options.profile.hostname }

  start (): void {
    this.channel.start()
    if (this.options.discovery) this.discover()
    if (this.backup) this.sender.push(this.backup.history(Date.now(), () => this.nextId()))
    this.lastTick = this.lastSample = Date.now()
    // Spread the devices over the tick so their requests do not arrive in lockstep.
    const offset = Math.random() * this.options.tickMs
    this.timer = setTimeout(() => {
      this.tick()
      this.timer = setInterval(() => this.tick(), this.options.tickMs)
    }, offset)
  }

  /** Stops generating; lets a running command report, then sends what is buffered until `deadline`. */
  async stop (deadline: number): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); clearInterval(this.timer) }
    this.timer = null
    const left = Math.max(0, deadline - Date.now())
    await Promise.race([this.chain, new Promise(resolve => setTimeout(resolve, left).unref())])
    this.stopping.abort()
    this.channel.stop()
    await this.sender.flush(deadline)
  }

  private nextId (): string { return `${this.options.runId}.${(this.seq++).toString(36)}` }

  private discover (): void {
    const ts = new Date().toISOString()
    this.sender.push(discoverNetwork(this.options.profile).map(ci => ({ kind: 'discovery', id: this.nextId(), ts, ...ci })))
  }

  private tick (): void {
    const now = Date.now()
    const elapsed = now - this.lastTick
    this.lastTick = now
    // Rebooting: nothing is sent, nothing accrues (the appliance is off). Refused key: nothing to do.
    if (now < this.downUntil || this.sender.halted) { this.lastSample = now; return }
    const events: IngestEvent[] = []
    if (this.booting) {
      this.booting = false
      const ts = new Date(now).toISOString()
      events.push({ kind: 'log', id: this.nextId(), ts, level: 'info', source: 'kernel', message: `Linux version 6.8.0-45-generic booted on ${this.hostname}` })
      events.push({ kind: 'log', id: this.nextId(), ts, level: 'info', source: 'systemd', message: 'Started monozu-agent.service - Monozu appliance agent.' })
    }
    this.credit += (this.options.rate * elapsed) / 1000
    const due = Math.floor(this.credit)
    this.credit -= due
    // A full buffer (the server is away or slow): do not even make what could not be kept.
    const count = Math.min(due, Math.max(0, this.sender.room - events.length))
    this.options.stats.events.skipped += due - count
    for (let i = 0; i < count; i++) {
      // Timestamps spread evenly over the interval, as if sampled as they happened.
      const at = now - ((count - 1 - i) / count) * elapsed
      events.push(this.event(at))
    }
    if (this.backup) events.push(...this.backup.due(now, () => this.nextId()))
    if (this.vpn) events.push(...this.vpn.due(now, () => this.nextId()))
    if (events.length > 0) this.sender.push(events)
  }

  private event (at: number): IngestEvent {
    const ts = new Date(at).toISOString()
    const notice = this.model.takeNotice()
    if (notice) return { kind: 'log', id: this.nextId(), ts, ...noticeLog(notice, this.model.now) }
    if (Math.random() < this.options.logRatio) return { kind: 'log', id: this.nextId(), ts, ...routineLog() }
    const metrics = this.model.sample((at - this.lastSample) / 1000)
    this.lastSample = at
    return { kind: 'telemetry', id: this.nextId(), ts, metrics }
  }

  /** Commands run one at a time, each once: a socket may push a command again after a reconnect. */
  private run = (command: Command, reporter: Reporter): Promise<void> => {
    if (this.seen.has(command.id)) return this.chain
    this.seen.add(command.id)
    if (this.seen.size > 1000) this.seen.delete(this.seen.values().next().value as string)
    this.chain = this.chain.then(() => this.runOne(command, reporter))
    return this.chain
  }

  private async runOne (command: Command, reporter: Reporter): Promise<void> {
    const { stats, log } = this.options
    stats.commands.received++
    log.info(`${this.hostname}: command ${command.type} (${command.id})`)
    try {
      await reporter.ack(command.id, 'acked')
      await reporter.ack(command.id, 'running')
      const outcome = await execute(command, { profile: this.options.profile, readings: this.model.now, signal: this.stopping.signal })
      await reporter.result(command.id, outcome.result)
      if (this.backup) this.sender.push(this.backup.afterCommand(command, outcome.result.exitCode, () => this.nextId()))
      if (outcome.result.exitCode === 0) stats.commands.succeeded++
      else stats.commands.failed++
      log.info(`${this.hostname}: command ${command.type} (${command.id}) exited ${outcome.result.exitCode}`)
      if (outcome.reboot) this.reboot()
    } catch (err) {
      stats.commands.failed++
      log.warn(`${this.hostname}: command ${command.id} failed in the simulator: ${describe(err)}`)
    }
  }

  private reboot (): void {
    this.options.log.info(`${this.hostname}: rebooting for ${REBOOT_MS / 1000} s`)
    this.downUntil = Date.now() + REBOOT_MS
    this.booting = true
    this.model.reboot()
    this.channel.pause(REBOOT_MS)
  }
}
