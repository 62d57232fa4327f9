#!/usr/bin/env node
// npm run simulate -- --devices 50 --rate 1000: simulated appliances against a running platform.
import { StartupFailure } from './enroll.ts'
import { Fleet } from './fleet.ts'
import { createLog } from './log.ts'
import { parseOptions, usage, UsageError, type Options } from './options.ts'
import { newStats, progressLine, summary } from './stats.ts'

// How long a stop may spend sending what is still buffered.
const FLUSH_SECONDS = 5

async function main (): Promise<number> {
  let options: Options | 'help'
  try {
    options = parseOptions(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`${err.message}\n\n${usage}`)
    return 2
  }
  if (options === 'help') { console.log(usage); return 0 }
  const o = options
  const log = createLog(o.quiet)
  const stats = newStats()
  const fleet = new Fleet(o, stats, log)

  let stopRequested: (reason: string) => void = () => {}
  const stopped = new Promise<string>(resolve => { stopRequested = resolve })
  let signals = 0
  const onSignal = (signal: string) => {
    // A second signal means "now": skip the flush.
    if (++signals > 1) { log.warn(`${signal} again: exiting without sending what is buffered`); printSummary(); process.exit(130) }
    stopRequested(signal)
  }
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
  // Started by `npm start`: its IPC channel closes when the wrapper dies, even by SIGKILL.
  if (process.channel) {
    process.once('disconnect', () => onSignal('parent gone'))
    process.channel.unref()
  }

  const printSummary = () => {
    const s = summary(stats, fleet.buffered)
    if (o.json) console.log(JSON.stringify(s))
    else console.log(`summary: ${progressLine(stats, s.averageRate as number, fleet.buffered)} | ${s.seconds} s`)
  }

  try {
    await Promise.race([fleet.start(), stopped])
  } catch (err) {
    if (!(err instanceof StartupFailure)) throw err
    log.warn(err.message)
    return 1
  }
  if (signals > 0) { await fleet.stop(Date.now()); printSummary(); return 0 }

  const timers: NodeJS.Timeout[] = []
  if (o.duration !== undefined) timers.push(setTimeout(() => stopRequested('duration'), o.duration * 1000))
  if (o.progress > 0) {
    let last = { at: Date.now(), accepted: 0 }
    timers.push(setInterval(() => {
      const now = Date.now()
      const rate = (stats.events.accepted - last.accepted) / Math.max(0.001, (now - last.at) / 1000)
      last = { at: now, accepted: stats.events.accepted }
      console.log(`${new Date(now).toISOString().slice(11, 19)} ${progressLine(stats, rate, fleet.buffered)}`)
    }, o.progress * 1000))
  }

  const reason = await stopped
  for (const t of timers) clearTimeout(t)
  log.info(`stopping (${reason}): sending what is buffered, up to ${FLUSH_SECONDS} s`)
  await fleet.stop(Date.now() + FLUSH_SECONDS * 1000)
  printSummary()
  return 0
}

main().then(code => process.exit(code), err => {
  console.error(err)
  process.exit(1)
})
