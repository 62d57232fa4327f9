import { existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { styleText } from 'node:util'
import pino from 'pino'

/**
 * LOG_FORMAT=pretty: what a person at `npm start` reads. Lines become
 * `10:32:01 WARN  cmdb     message key=value`; Fastify's per-request lines go to
 * `<dataDir>/logs/requests.log` (JSON, kept for one restart) unless the level is debug or trace.
 *
 * Ours rather than pino-pretty: about 60 lines, no dependency, synchronous (nothing is lost when
 * the process exits at once), and the request routing needs a destination of our own anyway.
 */

const levelNames: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const levelStyles: Record<number, Parameters<typeof styleText>[0]> = { 10: 'gray', 20: 'gray', 30: 'green', 40: 'yellow', 50: 'red', 60: ['red', 'bold'] }
/** Fields every line has, or that the line's layout already shows. */
const shown = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'plugin', 'component', 'reqId', 'err'])

const pad = (n: number) => String(n).padStart(2, '0')

function value (v: unknown): string {
  if (typeof v === 'string') return /[\s="]/.test(v) || v === '' ? JSON.stringify(v) : v
  return JSON.stringify(v) ?? String(v)
}

/** One JSON log line as a human line (and the error's stack below it). */
export function formatLine (record: Record<string, any>, stream?: NodeJS.WritableStream): string {
  const time = new Date(record.time ?? Date.now())
  const level = record.level as number
  const name = (levelNames[level] ?? String(level)).padEnd(5)
  const source = String(record.plugin ?? record.component ?? 'kernel').padEnd(8)
  const fields = Object.entries(record).filter(([k]) => !shown.has(k)).map(([k, v]) => `${k}=${value(v)}`)
  if (record.reqId) fields.push(`reqId=${record.reqId}`)
  const err = record.err as { message?: string, stack?: string } | undefined
  const msg = record.msg ?? err?.message ?? ''
  const style = (format: Parameters<typeof styleText>[0], text: string) => stream ? styleText(format, text, { stream }) : text
  let line = `${style('gray', `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`)} ${style(levelStyles[level] ?? 'reset', name)} ${style('cyan', source)} ${msg}`
  if (fields.length > 0) line += ` ${style('gray', fields.join(' '))}`
  if (err?.stack) line += `\n${err.stack.split('\n').map(l => `    ${l}`).join('\n')}`
  return line + '\n'
}

/** True for Fastify's own "incoming request" / "request completed" lines. */
const isRequestLine = (record: Record<string, any>) => record.reqId !== undefined && (record.req !== undefined || record.res !== undefined) && record.level <= 30

export function consoleDestination (options: { out?: NodeJS.WritableStream & { isTTY?: boolean }, dataDir?: string, showRequests: boolean }): pino.DestinationStream {
  const out = options.out ?? process.stdout
  let requests: pino.DestinationStream | undefined
  const requestsFile = () => {
    if (requests || !options.dataDir) return requests
    const file = join(options.dataDir, 'logs', 'requests.log')
    // One previous run is kept: enough to look back after a restart, bounded for a demo left running.
    if (existsSync(file)) renameSync(file, `${file}.1`)
    requests = pino.destination({ dest: file, mkdir: true, sync: false })
    return requests
  }
  return {
    write (line: string) {
      let record: Record<string, any>
      try { record = JSON.parse(line) } catch { out.write(line); return }
      if (!options.showRequests && isRequestLine(record)) {
        const file = requestsFile()
        if (file) file.write(line)
        return
      }
      out.write(formatLine(record, out.isTTY ? out : undefined))
    }
  }
}
