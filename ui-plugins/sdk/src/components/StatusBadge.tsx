import { useT } from '@monozu/ui-sdk'

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger'

const tones: Record<string, Tone> = {
  ok: 'success', active: 'success', done: 'success', healthy: 'success', online: 'success', succeeded: 'success',
  running: 'info', pending: 'neutral', queued: 'neutral', scheduled: 'neutral',
  warning: 'warning', degraded: 'warning', suspended: 'warning', disabled: 'neutral',
  failed: 'danger', dead: 'danger', error: 'danger', offline: 'danger'
}

/** A status as a coloured pill with text (colour is never the only signal). */
export function StatusBadge ({ status, label, tone }: { status: string, label?: string, tone?: Tone }) {
  const t = useT()
  const key = `status.${status}`
  const text = label ?? (t.has(key) ? t(key) : status)
  return <span className={`mz-badge mz-badge--${tone ?? tones[status] ?? 'neutral'}`}>{text}</span>
}
