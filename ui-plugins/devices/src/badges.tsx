import { useT, type ChannelStatus, type T } from '@monozu/ui-sdk'
import { StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { CommandState, DeviceStatus, TokenState } from './types.ts'

const deviceTones: Record<DeviceStatus, Tone> = { online: 'success', overdue: 'warning', offline: 'danger', never: 'neutral', revoked: 'neutral' }
const commandTones: Record<CommandState, Tone> = {
  queued: 'neutral', sent: 'info', acked: 'info', running: 'info', succeeded: 'success', failed: 'danger', timed_out: 'danger', expired: 'warning', cancelled: 'neutral'
}
const tokenTones: Record<TokenState, Tone> = { active: 'success', expired: 'neutral', used_up: 'neutral', revoked: 'neutral' }

/** A label for a value the API may grow later: its text when we have one, the raw value otherwise. */
function label (t: T, key: string, raw: string): string {
  return t.has(key) ? t(key) : raw
}

export function DeviceStatusBadge ({ status }: { status: DeviceStatus }) {
  const t = useT(messages)
  return <StatusBadge status={status} tone={deviceTones[status] ?? 'neutral'} label={label(t, `deviceStatus.${status}`, status)} />
}

export function CommandStateBadge ({ state }: { state: CommandState }) {
  const t = useT(messages)
  return <span data-state={state}><StatusBadge status={state} tone={commandTones[state] ?? 'neutral'} label={label(t, `commandState.${state}`, state)} /></span>
}

export function TokenStateBadge ({ state }: { state: TokenState }) {
  const t = useT(messages)
  return <StatusBadge status={state} tone={tokenTones[state] ?? 'neutral'} label={label(t, `tokenState.${state}`, state)} />
}

/** Whether the page is receiving live events. */
export function LiveBadge ({ status }: { status: ChannelStatus }) {
  const t = useT()
  const tone = status === 'open' ? 'success' : status === 'forbidden' ? 'warning' : 'neutral'
  return <span role='status' className='devices-live'><StatusBadge status={status} tone={tone} label={t(`channel.${status}`)} /></span>
}
