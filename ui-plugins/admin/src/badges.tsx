import { useT } from '@monozu/ui-sdk'
import { StatusBadge, type Tone } from '@monozu/ui-sdk/components'
import { messages } from './messages.ts'
import type { JobState } from './types.ts'

const jobTones: Record<JobState, Tone> = { pending: 'neutral', running: 'info', succeeded: 'success', dead: 'danger', cancelled: 'neutral' }

/** A state the API may grow later: its text when we have one, the raw value otherwise. */
function Badge ({ prefix, value, tone }: { prefix: string, value: string, tone: Tone }) {
  const t = useT(messages)
  const key = `${prefix}.${value}`
  return <StatusBadge status={value} tone={tone} label={t.has(key) ? t(key) : value} />
}

export const JobStateBadge = ({ state }: { state: JobState }) => <Badge prefix='jobState' value={state} tone={jobTones[state] ?? 'neutral'} />
export const TenantStatusBadge = ({ status }: { status: string }) => <Badge prefix='tenantStatus' value={status} tone={status === 'active' ? 'success' : 'warning'} />
export const PluginStateBadge = ({ state }: { state: string }) => <Badge prefix='pluginState' value={state} tone={state === 'running' ? 'success' : 'danger'} />
