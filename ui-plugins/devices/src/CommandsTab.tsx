import { useCallback, useState } from 'react'
import { useHasPermission, useT } from '@monozu/ui-sdk'
import { useCatchUp, useCursorList } from '@monozu/ui-sdk/components'
import { CommandForm } from './CommandForm.tsx'
import { CommandHistory } from './CommandHistory.tsx'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import type { Command, Device, DevicesEvent } from './types.ts'

/** Newest first, one row per id: a command we just sent may also arrive as a live event. */
export function upsertCommand (rows: Command[], c: Command, stateFilter: string): Command[] {
  const i = rows.findIndex(r => r.id === c.id)
  if (i === -1) return stateFilter && c.state !== stateFilter ? rows : [c, ...rows]
  if (stateFilter && c.state !== stateFilter) return rows.filter(r => r.id !== c.id)
  const next = rows.slice()
  next[i] = c
  return next
}

/** The command form (devices.write) beside the device's command history with live states. */
export function CommandsTab ({ device }: { device: Device }) {
  const t = useT(messages)
  const canWrite = useHasPermission('devices.write')
  const [state, setState] = useState('')
  const list = useCursorList<Command>('/api/v1/commands', { deviceId: device.id, state, limit: 25 })
  const [announcement, setAnnouncement] = useState('')
  const { setItems } = list

  const upsert = useCallback((c: Command) => setItems(rows => upsertCommand(rows, c, state)), [setItems, state])
  const status = useLive(useCallback((e: DevicesEvent) => {
    if (e.event !== 'command.state' || e.data.command.deviceId !== device.id) return
    upsert(e.data.command)
    setAnnouncement(t('commandNowIn', { type: e.data.command.type, state: t(`commandState.${e.data.command.state}`) }))
  }, [device.id, upsert, t]))
  useCatchUp(status, list.reload)

  return (
    <div className={canWrite ? 'devices-columns devices-columns--form' : 'mz-stack'}>
      {canWrite && <CommandForm deviceId={device.id} disabled={device.status === 'revoked'} onCreated={upsert} />}
      <CommandHistory list={list} state={state} onStateFilter={setState} canWrite={canWrite} onChange={upsert} />
      <p className='mz-visually-hidden' role='status' aria-live='polite'>{announcement}</p>
    </div>
  )
}
