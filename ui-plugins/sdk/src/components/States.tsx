import { useEffect, useState, type ReactNode } from 'react'
import { describeError } from '../errors.ts'
import { useT } from '../i18n.ts'

/** A spinner with a label for screen readers. */
export function Spinner ({ label }: { label?: string }) {
  const t = useT()
  return (
    <div className='mz-spinner' role='status'>
      <span className='mz-spinner__circle' aria-hidden='true' />
      <span className='mz-visually-hidden'>{label ?? t('common.loading')}</span>
    </div>
  )
}

/** Shows nothing for `delay` ms (default 200), then a spinner: fast loads never flash. */
export function DelayedSpinner ({ delay = 200, label }: { delay?: number, label?: string }) {
  const [visible, setVisible] = useState(delay <= 0)
  useEffect(() => {
    if (delay <= 0) return
    const timer = setTimeout(() => setVisible(true), delay)
    return () => clearTimeout(timer)
  }, [delay])
  return visible ? <Spinner label={label} /> : null
}

export function EmptyState ({ title, children, action, icon }: { title: string, children?: ReactNode, action?: ReactNode, icon?: ReactNode }) {
  return (
    <div className='mz-state mz-state--empty'>
      {icon && <div className='mz-state__icon' aria-hidden='true'>{icon}</div>}
      <p className='mz-state__title'>{title}</p>
      {children && <div className='mz-state__body'>{children}</div>}
      {action && <div className='mz-state__action'>{action}</div>}
    </div>
  )
}

/** An error as a readable message with its code; `onRetry` adds a retry button. */
export function ErrorState ({ error, title, onRetry, testId }: { error: unknown, title?: string, onRetry?: () => void, testId?: string }) {
  const t = useT()
  const { message, code, requestId } = describeError(error, t)
  return (
    <div className='mz-state mz-state--error' role='alert' data-testid={testId}>
      <p className='mz-state__title'>{title ?? t('error.title')}</p>
      <p className='mz-state__body'>{message}</p>
      {code && <p className='mz-state__meta'>{t('error.code', { code })}{requestId ? ` · ${requestId}` : ''}</p>}
      {onRetry && <div className='mz-state__action'><button type='button' className='mz-button' onClick={onRetry}>{t('common.retry')}</button></div>}
    </div>
  )
}
