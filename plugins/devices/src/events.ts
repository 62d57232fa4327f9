import { rowsOf, type Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import type { Command, CommandState } from './model.ts'
import { publishStatusChanges, touch, type StatusChange } from './status.ts'

// Domain events of devices (plugin.json `events.publishes`). Every event's subject is the device
// id, so a subscriber sees one device's status changes and finished commands in publish order.
export const STATUS_CHANGED = 'devices.status_changed'
export const COMMAND_FINISHED = 'devices.command_finished'

export interface StatusChangedPayload {
  deviceId: string
  name: string
  status: 'online' | 'overdue' | 'offline' | 'revoked'
  previous: 'online' | 'overdue' | 'offline' | 'never' | 'revoked'
  lastSeenAt: string | null
}

export interface CommandFinishedPayload {
  commandId: string
  deviceId: string
  type: string
  state: 'succeeded' | 'failed' | 'timed_out' | 'expired' | 'cancelled'
  exitCode?: number
  finishedAt: string
}

const FINAL: ReadonlySet<CommandState> = new Set(['succeeded', 'failed', 'timed_out', 'expired', 'cancelled'])

// A contact from a device whose recorded status is not online: record it online (with history)
// in the contact's transaction. FOR UPDATE first, so a concurrent sweep waits for this commit and
// then skips the row (its update requires the status it read) instead of overwriting it.
const backOnlineSql = `
with prev as (
  select id, status from devices
  where id = any(?::uuid[]) and status <> 'online' and revoked_at is null
  order by id
  for update
), changed as (
  update devices d set status = 'online' from prev
  where d.id = prev.id
  returning d.tenant_id, d.id, d.hostname, d.last_seen_at, prev.status as from_status
), logged as (
  insert into device_status_history (tenant_id, device_id, from_status, to_status, at)
  select tenant_id, id, from_status, 'online', ? from changed
)
select tenant_id, id, hostname, last_seen_at, from_status from changed order by id`

export interface DeviceEvents {
  /**
   * `touch` (status.ts) that also publishes `devices.status_changed` for devices coming back
   * online. The hot path (ingest batches, polls) pays one extra statement only when a touched
   * device's recorded status is not already online.
   */
  touch (trx: Transaction, deviceIds: string[], at?: Date): Promise<void>
  /** Publishes the changes the sweep recorded (sweepStatuses, in the same transaction). */
  statusChanges (trx: Transaction, changes: StatusChange[]): Promise<void>
  /** Publishes `devices.command_finished` for those of `commands` in a final state; others are skipped. */
  commands (trx: Transaction, commands: Command[]): Promise<void>
}

export function deviceEvents (ctx: Ctx): DeviceEvents {
  const status = (trx: Transaction, payload: StatusChangedPayload) =>
    ctx.events.publish(trx, STATUS_CHANGED, payload, { subject: payload.deviceId })

  return {
    // Contact time as status.ts reads it (statusOf and the sweep run on the database's and system's time).
    async touch (trx, deviceIds, at = new Date()) {
      const touched = await touch(trx, deviceIds, at)
      const back = touched.filter(d => d.status !== 'online' && d.revoked_at === null).map(d => d.id)
      if (back.length === 0) return
      const rows = rowsOf<{ tenant_id: string, id: string, hostname: string, last_seen_at: Date | string | null, from_status: StatusChangedPayload['previous'] }>(
        await trx.raw(backOnlineSql, [back, at]))
      for (const r of rows) {
        await status(trx, { deviceId: r.id, name: r.hostname, status: 'online', previous: r.from_status, lastSeenAt: iso(r.last_seen_at) })
      }
      // The browser's live view hears of it as it hears of the sweep's changes, once this commits.
      const changes: StatusChange[] = rows.map(r => ({ deviceId: r.id, name: r.hostname, lastSeenAt: iso(r.last_seen_at), from: r.from_status, to: 'online', at: at.toISOString() }))
      const tenantId = rows[0]?.tenant_id
      if (tenantId) trx.executionPromise.then(() => publishStatusChanges(ctx, tenantId, changes), () => {}).catch(err => ctx.log.warn({ err }, 'devices: live status not published'))
    },
    async statusChanges (trx, changes) {
      for (const c of changes) {
        // 'never' is only ever a starting point: the sweep cannot move a device back to it.
        await status(trx, { deviceId: c.deviceId, name: c.name, status: c.to as StatusChangedPayload['status'], previous: c.from as StatusChangedPayload['previous'], lastSeenAt: c.lastSeenAt })
      }
    },
    async commands (trx, commands) {
      for (const c of commands) {
        if (!FINAL.has(c.state)) continue
        const payload: CommandFinishedPayload = {
          commandId: c.id,
          deviceId: c.deviceId,
          type: c.type,
          state: c.state as CommandFinishedPayload['state'],
          ...(c.exitCode !== null && (c.state === 'succeeded' || c.state === 'failed') ? { exitCode: c.exitCode } : {}),
          finishedAt: c.finishedAt ?? ctx.clock.now().toISOString()
        }
        await ctx.events.publish(trx, COMMAND_FINISHED, payload, { subject: c.deviceId })
      }
    }
  }
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString())

