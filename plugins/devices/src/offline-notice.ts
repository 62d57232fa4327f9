import type { Ctx } from './context.ts'
import type { StatusChangedPayload } from './events.ts'

// UTC in both languages: one text is stored for every recipient.
const at = (iso: string | null) => (iso === null ? '?' : `${iso.slice(0, 16).replace('T', ' ')} UTC`)

/**
 * Tells the people who act on devices (devices.write) when one goes offline: a handler of the
 * plugin's own `devices.status_changed`. The notification is written in the handler's
 * transaction, acknowledged with the event, so each offline transition notifies once.
 */
export function notifyOffline (ctx: Ctx): void {
  ctx.events.handle<StatusChangedPayload>('notifyOffline', async (event, trx) => {
    const { deviceId, name, status, lastSeenAt } = event.payload
    if (status !== 'offline') return
    await ctx.notify({
      tenantId: event.tenantId,
      type: 'devices.offline',
      to: { permissions: ['devices.write'] },
      severity: 'warning',
      title: { en: `${name} is offline`, pl: `${name} jest offline` },
      body: { en: `No contact from ${name} since ${at(lastSeenAt)}.`, pl: `Brak kontaktu z ${name} od ${at(lastSeenAt)}.` },
      link: `/devices/${deviceId}`
    }, trx)
  })
}
