import { isUuid, type Transaction } from '@monozu/kernel'
import type { Ctx } from './context.ts'
import { createCommand } from './commands/service.ts'
import { PAYLOAD_LIMIT } from './commands/routes.ts'
import { DevicesError } from './errors.ts'
import type { Command } from './model.ts'
import { statusOf } from './model.ts'
import { thresholds } from './status.ts'
import type { DevicesService, NewDeviceCommand } from './service.ts'

const COMMAND_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/

/** A savepoint's promise settles before the real commit: wait for the outermost transaction. */
function committed (trx: Transaction): Promise<unknown> {
  let t = trx as Transaction & { parentTransaction?: Transaction }
  while (t.parentTransaction) t = t.parentTransaction as typeof t
  return t.executionPromise
}

function checkCommand (cmd: NewDeviceCommand): void {
  const invalid = (pointer: string, message: string) => new DevicesError('validation_failed', `${pointer}: ${message}`, { extra: { errors: [{ in: 'body', pointer, message }] } })
  if (!COMMAND_TYPE.test(cmd.type)) throw invalid('/type', `must match ${COMMAND_TYPE}`)
  if (cmd.payload !== undefined && Buffer.byteLength(JSON.stringify(cmd.payload)) > PAYLOAD_LIMIT) throw invalid('/payload', `is larger than ${PAYLOAD_LIMIT} bytes`)
  if (cmd.ttlSeconds !== undefined && !(Number.isInteger(cmd.ttlSeconds) && cmd.ttlSeconds >= 1 && cmd.ttlSeconds <= 604800)) throw invalid('/ttlSeconds', 'must be an integer from 1 to 604800')
  if (cmd.timeoutSeconds !== undefined && !(Number.isInteger(cmd.timeoutSeconds) && cmd.timeoutSeconds >= 1 && cmd.timeoutSeconds <= 86400)) throw invalid('/timeoutSeconds', 'must be an integer from 1 to 86400')
}

/** The service methods other plugins call (1.1): commands, device lookups and device resources. */
export function providedService (ctx: Ctx, deps: {
  base: Pick<DevicesService, 'authenticate' | 'touch'>
  serve: DevicesService['serveToDevices']
  delivered: (tenantId: string, command: Command) => void
}): DevicesService {
  return {
    ...deps.base,
    async sendCommand (trx, cmd) {
      checkCommand(cmd)
      if (!isUuid(cmd.deviceId)) throw new DevicesError('not_found', 'No such device')
      // RLS shows only the caller's tenant, so the device row names the tenant of the transaction.
      const device = await trx('devices').where({ id: cmd.deviceId }).first('tenant_id')
      if (!device) throw new DevicesError('not_found', 'No such device')
      const tenantId = device.tenant_id as string
      const { command, created } = await createCommand(trx, ctx.clock, tenantId, cmd, null)
      if (created) committed(trx).then(() => deps.delivered(tenantId, command), () => {})
      return { id: command.id, state: command.state, created }
    },
    async getDevices (trx, ids) {
      ids = ids.filter(isUuid)
      if (ids.length === 0) return []
      const t = await thresholds(trx)
      const rows = await trx('devices').whereIn('id', ids).select('id', 'hostname', 'last_seen_at', 'revoked_at')
      return rows.map((r: { id: string, hostname: string, last_seen_at: Date | string | null, revoked_at: Date | string | null }) => ({
        id: r.id,
        name: r.hostname,
        status: statusOf(r, t, ctx.clock.nowMs()),
        lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at).toISOString() : null,
        revoked: r.revoked_at !== null
      }))
    },
    serveToDevices: deps.serve
  }
}
