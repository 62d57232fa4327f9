import type { Readings } from './metrics.ts'
import type { DeviceProfile } from './profile.ts'
import { sleep } from './http.ts'
import { backupHandlers } from './backup.ts'
import { vpnHandlers } from './vpn.ts'

export interface Command { id: string, type: string, payload?: Record<string, unknown> | null }
export interface CommandResult { exitCode: number, output: string, durationMs: number }
export interface Outcome { result: CommandResult, reboot: boolean }

interface Context { profile: DeviceProfile, readings: Readings, signal: AbortSignal }

/** Runs one command the way a small appliance agent would, with plausible output and timing. */
export async function execute (command: Command, ctx: Context): Promise<Outcome> {
  const started = Date.now()
  const payload = command.payload ?? {}
  const run = handlers[command.type]
  const { exitCode, output, waitMs, reboot } = run
    ? run(payload, ctx)
    : { exitCode: 127, output: `agent: ${command.type}: command not found\n`, waitMs: 50, reboot: false }
  await sleep(waitMs, ctx.signal)
  return { result: { exitCode, output, durationMs: Date.now() - started }, reboot: reboot ?? false }
}

interface Run { exitCode: number, output: string, waitMs: number, reboot?: boolean }
type Handler = (payload: Record<string, unknown>, ctx: Context) => Run

const str = (v: unknown, fallback: string) => typeof v === 'string' && v.length > 0 ? v : fallback
const int = (v: unknown, fallback: number, min: number, max: number) => Number.isInteger(v) ? Math.min(max, Math.max(min, v as number)) : fallback

const handlers: Record<string, Handler> = {
  ...backupHandlers,
  ...vpnHandlers,
  echo: payload => {
    const text = 'message' in payload ? String(payload.message) : JSON.stringify(payload)
    return { exitCode: 0, output: text + '\n', waitMs: 100 + Math.random() * 200 }
  },

  ping: payload => {
    const host = str(payload.host, '1.1.1.1')
    const count = int(payload.count, 4, 1, 20)
    // Hosts in the reserved .invalid domain never answer: a way to see a failing command.
    if (host.endsWith('.invalid')) return { exitCode: 2, output: `ping: ${host}: Name or service not known\n`, waitMs: 300 }
    const base = 2 + Math.random() * 30
    const rtts = Array.from({ length: count }, () => base + Math.random() * base * 0.3)
    const lines = rtts.map((rtt, i) => `64 bytes from ${host}: icmp_seq=${i + 1} ttl=57 time=${rtt.toFixed(1)} ms`)
    const min = Math.min(...rtts)
    const max = Math.max(...rtts)
    const avg = rtts.reduce((a, b) => a + b, 0) / count
    const output = [
      `PING ${host} 56(84) bytes of data.`, ...lines, '',
      `--- ${host} ping statistics ---`,
      `${count} packets transmitted, ${count} received, 0% packet loss, time ${(count - 1) * 1001}ms`,
      `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${((max - min) / 2).toFixed(3)} ms`, ''
    ].join('\n')
    // Simulated time: a quarter of the real ping's second per packet, so the demo stays snappy.
    return { exitCode: 0, output, waitMs: count * 250 }
  },

  reboot: payload => {
    const delay = int(payload.delaySeconds, 5, 0, 60)
    return { exitCode: 0, output: `Broadcast message from root: the system will reboot in ${delay} seconds\n`, waitMs: 500, reboot: true }
  },

  'run-script': (payload, ctx) => {
    const script = str(payload.script ?? payload.command, 'true')
    const out: string[] = []
    let exitCode = 0
    for (const raw of script.split(/\n|;|&&/).map(l => l.trim()).filter(Boolean)) {
      const exit = /^exit\s+(\d+)$/.exec(raw)
      if (exit) { exitCode = Number(exit[1]); break }
      out.push(scriptLine(raw, ctx))
    }
    return { exitCode, output: out.filter(Boolean).join('\n') + '\n', waitMs: 300 + Math.random() * 1200 }
  }
}

/** The output of one script line; common diagnostics look real, anything else is echoed. */
function scriptLine (line: string, { profile, readings }: Context): string {
  const [cmd, ...args] = line.split(/\s+/)
  const up = readings.uptime
  switch (cmd) {
    case 'hostname': return profile.hostname
    case 'whoami': return 'root'
    case 'true': return ''
    case 'echo': return args.join(' ').replace(/^["']|["']$/g, '')
    case 'uname': return `Linux ${profile.hostname} 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC x86_64 GNU/Linux`
    case 'uptime': return ` ${new Date().toTimeString().slice(0, 8)} up ${Math.floor(up / 86400)} days, ${Math.floor((up % 86400) / 3600)}:${String(Math.floor((up % 3600) / 60)).padStart(2, '0')},  1 user,  load average: ${(readings.cpu / 100 * profile.cpuCores).toFixed(2)}`
    case 'df': {
      const size = profile.diskGb
      const used = Math.round(size * readings.disk / 100)
      return `Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda2       ${size}G  ${used}G  ${size - used}G  ${Math.round(readings.disk)}% /`
    }
    case 'free': {
      const total = profile.memoryGb * 1024
      const used = Math.round(total * readings.mem / 100)
      return `               total        used        free\nMem:          ${total}       ${used}       ${total - used}`
    }
    case 'systemctl': return `● ${args[1] ?? 'monozu-agent'}.service - loaded, active (running) since ${new Date(Date.now() - up * 1000).toUTCString()}`
    default: return `+ ${line}`
  }
}
