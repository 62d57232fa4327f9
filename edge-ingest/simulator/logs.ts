import { CPU_HIGH, type Notice, type Readings } from './metrics.ts'
import { pick, round } from './random.ts'

export type Level = 'debug' | 'info' | 'warn' | 'error'
export interface LogLine { level: Level, message: string, source: string }

const users = ['admin', 'backup', 'deploy', 'monitor']
const peers = ['10.0.0.12', '10.0.4.31', '192.168.10.7', '172.16.2.40']
const units = ['apt-daily.service', 'logrotate.service', 'fstrim.service', 'certbot.timer', 'monozu-agent.service']

/** Routine chatter, weighted so most lines are info and errors are rare. */
const routine: Array<{ weight: number, make: () => LogLine }> = [
  { weight: 30, make: () => ({ level: 'info', source: 'sshd', message: `Accepted publickey for ${pick(Math.random, users)} from ${pick(Math.random, peers)} port ${40000 + Math.floor(Math.random() * 20000)} ssh2` }) },
  { weight: 25, make: () => ({ level: 'info', source: 'systemd', message: `Started ${pick(Math.random, units)}.` }) },
  { weight: 15, make: () => ({ level: 'debug', source: 'monozu-agent', message: `heartbeat ok, ${Math.floor(Math.random() * 40)} ms round trip` }) },
  { weight: 10, make: () => ({ level: 'info', source: 'cron', message: `(root) CMD (/usr/local/bin/backup.sh --incremental)` }) },
  { weight: 8, make: () => ({ level: 'warn', source: 'sshd', message: `Failed password for invalid user ${pick(Math.random, ['test', 'oracle', 'pi', 'ubnt'])} from 203.0.113.${Math.floor(Math.random() * 254) + 1}` }) },
  { weight: 6, make: () => ({ level: 'info', source: 'dhclient', message: `DHCPACK from 10.0.0.1, lease renewed for 86400 seconds` }) },
  { weight: 4, make: () => ({ level: 'warn', source: 'ntpd', message: `time offset ${(Math.random() * 400 - 200).toFixed(1)} ms, adjusting clock` }) },
  { weight: 2, make: () => ({ level: 'error', source: 'kernel', message: `ata2.00: failed command: READ FPDMA QUEUED, exception Emask 0x0 SAct 0x${Math.floor(Math.random() * 0xffff).toString(16)}` }) }
]
const total = routine.reduce((sum, r) => sum + r.weight, 0)

export function routineLog (): LogLine {
  let x = Math.random() * total
  for (const r of routine) if ((x -= r.weight) < 0) return r.make()
  return routine[0]!.make()
}

/** The log line a change in the readings causes, so logs and graphs tell the same story. */
export function noticeLog (notice: Notice, now: Readings): LogLine {
  switch (notice) {
    case 'cpu_high': return { level: 'warn', source: 'monozu-agent', message: `CPU load high: ${round(now.cpu)}% (threshold ${CPU_HIGH}%)` }
    case 'cpu_normal': return { level: 'info', source: 'monozu-agent', message: `CPU load back to normal: ${round(now.cpu)}%` }
    case 'disk_high': return { level: 'warn', source: 'monozu-agent', message: `Disk usage on / at ${now.disk.toFixed(1)}%` }
    case 'disk_cleaned': return { level: 'info', source: 'logrotate', message: `rotated and compressed old logs, disk usage now ${now.disk.toFixed(1)}%` }
    case 'temp_high': return { level: 'error', source: 'kernel', message: `CPU temperature above threshold (${now.temp.toFixed(0)} C), cpu clock throttled` }
  }
}
