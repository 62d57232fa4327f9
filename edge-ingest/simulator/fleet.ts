import { randomBytes } from 'node:crypto'
import { SimDevice } from './device.ts'
import { joinVpn } from './vpn.ts'
import { enrollFleet } from './enroll.ts'
import type { Log } from './log.ts'
import type { Options } from './options.ts'
import { deviceProfile } from './profile.ts'
import type { Stats } from './stats.ts'

// A device holds at most this many seconds of its traffic while the server is away or slow.
const BUFFER_SECONDS = 120

/** The simulated fleet: enrolled, then each device sends its share of the rate. */
export class Fleet {
  devices: SimDevice[] = []
  readonly options: Options
  readonly stats: Stats
  readonly log: Log

  constructor (options: Options, stats: Stats, log: Log) {
    this.options = options
    this.stats = stats
    this.log = log
  }

  async start (): Promise<void> {
    const o = this.options
    const profiles = Array.from({ length: o.devices }, (_, i) => deviceProfile(o.fleet, i))
    this.stats.devices.total = profiles.length
    const enrolled = await enrollFleet({
      url: o.url, profiles, stateFile: o.stateFile, enrollmentToken: o.enrollmentToken,
      credentials: { email: o.email, password: o.password, tenant: o.tenant }, site: o.site, stats: this.stats, log: this.log
    })
    this.log.info(`${enrolled.length} devices ready (${this.stats.devices.registered} newly registered, ${this.stats.devices.reused} known); keys in ${o.stateFile}`)
    if (o.vpn) await joinVpn(o.url, o.enrollmentToken ? null : { email: o.email, password: o.password, tenant: o.tenant }, enrolled, this.log)
    const rate = o.rate / enrolled.length
    const runId = randomBytes(6).toString('base64url')
    this.devices = enrolled.map(e => new SimDevice({
      url: o.url, profile: e.profile, deviceId: e.deviceId, deviceKey: e.deviceKey, rate, logRatio: o.logRatio,
      tickMs: o.batchMs, commands: o.commands, pollMs: o.pollMs, format: o.format, gzip: o.gzip, maxBatch: o.maxBatch,
      maxBuffer: Math.max(1000, Math.ceil(rate * BUFFER_SECONDS)), discovery: o.discovery, backup: o.backup, vpn: o.vpn, runId, stats: this.stats, log: this.log
    }))
    for (const device of this.devices) device.start()
    this.log.info(`sending ${o.rate} events/s over ${this.devices.length} devices (${o.format}${o.gzip ? ', gzip' : ''}); commands over ${o.commands === 'ws' ? 'the device socket' : 'polling'}`)
  }

  get buffered (): number {
    return this.devices.reduce((sum, d) => sum + d.sender.buffered, 0)
  }

  /** Stops every device and sends what is buffered, giving up at `deadline`. */
  async stop (deadline: number): Promise<void> {
    await Promise.all(this.devices.map(d => d.stop(deadline)))
  }
}
