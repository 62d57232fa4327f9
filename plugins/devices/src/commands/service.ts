import { randomUUID } from 'node:crypto'
import type { Clock, Transaction } from '@monozu/kernel'
import { DevicesError } from '../errors.ts'
import { IN_FLIGHT, toCommand, type Command, type CommandState } from '../model.ts'

export const OUTPUT_LIMIT = 64 * 1024

export interface NewCommand {
  deviceId: string
  type: string
  payload?: Record<string, unknown>
  ttlSeconds?: number
  timeoutSeconds?: number
  idempotencyKey?: string
}

/** Caps output at 64 KiB of UTF-8 without splitting a character. */
export function capOutput (output: string): { output: string, truncated: boolean } {
  const bytes = Buffer.from(output, 'utf8')
  if (bytes.length <= OUTPUT_LIMIT) return { output, truncated: false }
  let end = OUTPUT_LIMIT
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--
  return { output: bytes.subarray(0, end).toString('utf8'), truncated: true }
}

async function load (trx: Transaction, id: string, deviceId?: string): Promise<Record<string, unknown>> {
  const q = trx('device_commands').where({ id })
  if (deviceId) q.andWhere({ device_id: deviceId })
  const row = await q.forUpdate().first()
  if (!row) throw new DevicesError('not_found', 'No such command')
  return row
}

// Every function takes the plugin's clock (ctx.clock): TTLs and timeouts run on the kernel's time.

/**
 * Expires queued commands past their TTL and times out in-flight ones past their deadline:
 * for one device (on every delivery) or the whole tenant (the sweep job). Returns the changed.
 */
export async function enforceDeadlines (trx: Transaction, clock: Clock, deviceId?: string): Promise<Command[]> {
  const at = clock.now()
  const scope = (q: ReturnType<Transaction>) => (deviceId ? q.where({ device_id: deviceId }) : q)
  const expired = await scope(trx('device_commands')).where({ state: 'queued' }).where('expires_at', '<=', at)
    .update({ state: 'expired', finished_at: at, error: 'not delivered before its TTL ran out' }, '*')
  const timedOut = await scope(trx('device_commands')).whereIn('state', IN_FLIGHT).where('deadline_at', '<=', at)
    .update({ state: 'timed_out', finished_at: at, error: 'no result before the timeout' }, '*')
  return [...expired, ...timedOut].map(toCommand)
}

export async function createCommand (trx: Transaction, clock: Clock, tenantId: string, input: NewCommand, createdBy: string | null): Promise<{ command: Command, created: boolean }> {
  const device = await trx('devices').where({ id: input.deviceId }).first('id', 'revoked_at')
  if (!device) throw new DevicesError('not_found', 'No such device')
  const payload = input.payload ?? {}
  const ttlSeconds = input.ttlSeconds ?? 3600
  const timeoutSeconds = input.timeoutSeconds ?? 300
  if (input.idempotencyKey) {
    const existing = await trx('device_commands').where({ idempotency_key: input.idempotencyKey }).first()
    if (existing) {
      const same = existing.device_id === input.deviceId && existing.type === input.type && JSON.stringify(toCommand(existing).payload) === JSON.stringify(payload) &&
        existing.ttl_seconds === ttlSeconds && existing.timeout_seconds === timeoutSeconds
      if (!same) throw new DevicesError('idempotency_conflict', `The idempotency key "${input.idempotencyKey}" was used for a different command (${existing.id})`)
      return { command: toCommand(existing), created: false }
    }
  }
  if (device.revoked_at) throw new DevicesError('invalid_state', 'The device is revoked; it can no longer receive commands')
  const at = clock.now()
  const row = {
    tenant_id: tenantId,
    id: randomUUID(),
    device_id: input.deviceId,
    type: input.type,
    payload: JSON.stringify(payload),
    state: 'queued',
    idempotency_key: input.idempotencyKey ?? null,
    ttl_seconds: ttlSeconds,
    timeout_seconds: timeoutSeconds,
    created_by: createdBy,
    created_at: at,
    expires_at: new Date(at.getTime() + ttlSeconds * 1000)
  }
  // Two requests racing with one idempotency key: the unique index lets one in; the other re-reads.
  const inserted = await trx('device_commands').insert(row).onConflict(['tenant_id', 'idempotency_key']).ignore().returning('*')
  if (inserted.length === 0) return createCommand(trx, clock, tenantId, input, createdBy)
  return { command: toCommand(inserted[0]), created: true }
}

/**
 * The device's next command, one at a time in creation order: a command already sent but not
 * acknowledged is handed out again (the device may have missed it); while one is acknowledged
 * or running, nothing. The device row is locked so two concurrent polls cannot both start one.
 */
export async function nextCommand (trx: Transaction, clock: Clock, deviceId: string): Promise<{ command: Command | null, changed: Command[] }> {
  await trx('devices').where({ id: deviceId }).forUpdate().first('id')
  const changed = await enforceDeadlines(trx, clock, deviceId)
  const inFlight = await trx('device_commands').where({ device_id: deviceId }).whereIn('state', IN_FLIGHT).orderBy('created_at').first()
  if (inFlight) return { command: inFlight.state === 'sent' ? toCommand(inFlight) : null, changed }
  const queued = await trx('device_commands').where({ device_id: deviceId, state: 'queued' }).orderBy([{ column: 'created_at' }, { column: 'id' }]).first('id', 'timeout_seconds')
  if (!queued) return { command: null, changed }
  const at = clock.now()
  const [sent] = await trx('device_commands').where({ id: queued.id }).update({ state: 'sent', sent_at: at, deadline_at: new Date(at.getTime() + queued.timeout_seconds * 1000) }, '*')
  const command = toCommand(sent)
  return { command, changed: [...changed, command] }
}

/** The device acknowledges (acked) or reports it started (running). Repeats change nothing. */
export async function acknowledge (trx: Transaction, clock: Clock, deviceId: string, id: string, state: 'acked' | 'running'): Promise<{ command: Command, changed: Command[] }> {
  const changed = await enforceDeadlines(trx, clock, deviceId)
  const row = await load(trx, id, deviceId)
  const current = row.state as CommandState
  const order: CommandState[] = ['sent', 'acked', 'running', 'succeeded', 'failed']
  if (current === 'queued') throw new DevicesError('invalid_state', 'The command has not been delivered yet')
  if (['timed_out', 'expired', 'cancelled'].includes(current)) throw new DevicesError('invalid_state', `The command is ${current}`, { extra: { state: current } })
  if (order.indexOf(current) >= order.indexOf(state)) return { command: toCommand(row), changed }
  const at = clock.now()
  const patch = state === 'acked' ? { state, acked_at: at } : { state, acked_at: row.acked_at ?? at, started_at: at }
  const [updated] = await trx('device_commands').where({ id }).update(patch, '*')
  const command = toCommand(updated)
  return { command, changed: [...changed, command] }
}

export async function recordResult (trx: Transaction, clock: Clock, deviceId: string, id: string, result: { exitCode: number, output?: string, durationMs?: number }): Promise<{ command: Command, changed: Command[] }> {
  const changed = await enforceDeadlines(trx, clock, deviceId)
  const row = await load(trx, id, deviceId)
  const current = row.state as CommandState
  if (current === 'succeeded' || current === 'failed') return { command: toCommand(row), changed }
  if (!IN_FLIGHT.includes(current)) throw new DevicesError('invalid_state', current === 'queued' ? 'The command has not been delivered yet' : `The command is ${current}; its result is no longer accepted`, { extra: { state: current } })
  const at = clock.now()
  const { output, truncated } = capOutput(result.output ?? '')
  const [updated] = await trx('device_commands').where({ id }).update({
    state: result.exitCode === 0 ? 'succeeded' : 'failed',
    acked_at: row.acked_at ?? at,
    started_at: row.started_at ?? row.acked_at ?? at,
    finished_at: at,
    exit_code: result.exitCode,
    output,
    output_truncated: truncated,
    duration_ms: result.durationMs ?? null
  }, '*')
  const command = toCommand(updated)
  return { command, changed: [...changed, command] }
}

export async function cancelCommand (trx: Transaction, clock: Clock, id: string): Promise<Command> {
  const row = await load(trx, id)
  const current = row.state as CommandState
  if (current === 'cancelled') return toCommand(row)
  if (current !== 'queued' && current !== 'sent') throw new DevicesError('invalid_state', `Only queued or sent commands can be cancelled; this one is ${current}`, { extra: { state: current } })
  const [updated] = await trx('device_commands').where({ id }).update({ state: 'cancelled', finished_at: clock.now(), error: 'cancelled by a user' }, '*')
  return toCommand(updated)
}

