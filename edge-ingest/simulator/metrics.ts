import type { DeviceProfile } from './profile.ts'
import { between, clamp, gaussian, round, seeded } from './random.ts'

/** The appliance's current readings; logs look at them so a warning matches the graph. */
export interface Readings {
  cpu: number
  mem: number
  disk: number
  temp: number
  /** Seconds left of a load burst (0: none). */
  burst: number
  uptime: number
}

export interface MetricModel {
  readonly now: Readings
  /** Advances the model by `dt` seconds and returns one telemetry sample. */
  sample (dt: number): Record<string, number>
  /** A reboot: uptime and load start again. */
  reboot (): void
  /** Something noteworthy happened since the last call (for logs), or null. */
  takeNotice (): Notice | null
}

export type Notice = 'cpu_high' | 'cpu_normal' | 'disk_cleaned' | 'disk_high' | 'temp_high'

/** The agent warns above CPU_HIGH and calls it normal again below CPU_NORMAL (hysteresis, so no flapping). */
export const CPU_HIGH = 85
export const CPU_NORMAL = 70

/** Ornstein-Uhlenbeck step: pulled towards `mu`, jittered; smooth at any sampling rate. */
const ou = (x: number, mu: number, theta: number, sigma: number, dt: number) =>
  x + theta * (mu - x) * dt + sigma * Math.sqrt(dt) * gaussian(Math.random)

export function metricModel (profile: DeviceProfile): MetricModel {
  // Per-device character is seeded (one box runs hot, another idles); the motion is not.
  const rand = seeded(`${profile.hardwareId}:metrics`)
  const cpuBase = between(rand, 6, 30)
  const memBase = between(rand, 30, 65)
  const netBase = between(rand, 80, 2500)
  const ioBase = between(rand, 50, 900)
  const phase = rand() * Math.PI * 2
  const period = between(rand, 600, 1800)
  let t = rand() * period
  const r: Readings = { cpu: cpuBase, mem: memBase, disk: between(rand, 25, 70), temp: 38, burst: 0, uptime: Math.floor(between(rand, 3600, 40 * 86400)) }
  let rx = netBase
  let tx = netBase * 0.4
  let read = ioBase
  let write = ioBase * 0.6
  let load = (cpuBase / 100) * profile.cpuCores
  const notices: Notice[] = []
  let diskWarned = false
  let cpuWarned = false
  let burstLevel = 0
  let tempWarned = false

  return {
    now: r,
    sample (dtRaw) {
      const dt = clamp(dtRaw, 0.001, 60)
      t += dt
      r.uptime += dt
      if (r.burst > 0) {
        r.burst = Math.max(0, r.burst - dt)
      } else if (Math.random() < dt / 400) {
        // A burst pulls the load towards its own level; some cross the warning threshold, some do not.
        r.burst = between(Math.random, 30, 150)
        burstLevel = between(Math.random, 70, 98)
      }
      const wave = 8 * Math.sin((2 * Math.PI * t) / period + phase)
      const cpuTarget = r.burst > 0 ? Math.max(burstLevel, cpuBase + wave) : cpuBase + wave
      r.cpu = clamp(ou(r.cpu, cpuTarget, 0.15, 4, dt), 0.5, 100)
      // Warnings follow the reading as reported (one decimal), not the burst: a burst has only
      // begun to raise the load when it starts.
      if (round(r.cpu) > CPU_HIGH && !cpuWarned) { cpuWarned = true; notices.push('cpu_high') }
      if (round(r.cpu) < CPU_NORMAL && cpuWarned) { cpuWarned = false; notices.push('cpu_normal') }
      r.mem = clamp(ou(r.mem, memBase + r.cpu * 0.15, 0.02, 0.6, dt), 5, 99)
      r.disk += dt * 0.0004
      if (r.disk > 91) { r.disk = between(Math.random, 40, 60); diskWarned = false; notices.push('disk_cleaned') }
      if (r.disk > 85 && !diskWarned) { diskWarned = true; notices.push('disk_high') }
      r.temp = clamp(ou(r.temp, 31 + r.cpu * 0.45, 0.05, 0.4, dt), 20, 105)
      if (r.temp > 70 && !tempWarned) { tempWarned = true; notices.push('temp_high') }
      if (r.temp < 60) tempWarned = false
      const busy = 0.5 + r.cpu / 60
      rx = Math.max(0, ou(rx, netBase * busy, 0.1, netBase * 0.08, dt))
      tx = Math.max(0, ou(tx, netBase * 0.4 * busy, 0.1, netBase * 0.04, dt))
      read = Math.max(0, ou(read, ioBase * busy, 0.2, ioBase * 0.1, dt))
      write = Math.max(0, ou(write, ioBase * 0.6 * busy, 0.2, ioBase * 0.08, dt))
      // The one-minute load average is an exponentially damped mean, like the kernel's.
      load += (1 - Math.exp(-dt / 60)) * ((r.cpu / 100) * profile.cpuCores * 1.1 - load)
      return {
        'cpu.percent': round(r.cpu),
        'mem.percent': round(r.mem),
        'mem.used_mb': Math.round((r.mem / 100) * profile.memoryGb * 1024),
        'disk.percent': round(r.disk, 2),
        'disk.read_kbps': round(read),
        'disk.write_kbps': round(write),
        'net.rx_kbps': round(rx),
        'net.tx_kbps': round(tx),
        'temp.celsius': round(r.temp),
        'load.avg1': round(load, 2),
        'uptime.seconds': Math.floor(r.uptime)
      }
    },
    reboot () {
      r.uptime = 0
      r.burst = 0
      r.cpu = cpuBase
      load = 0
    },
    takeNotice: () => notices.shift() ?? null
  }
}
