import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react'
import { useT } from '../i18n.ts'

export type ToastKind = 'info' | 'success' | 'warning' | 'error'
export interface ToastInput { message: string, kind?: ToastKind, /** ms; 0 keeps it until dismissed. Default 5000, errors 8000. */ duration?: number }
interface ToastItem extends Required<ToastInput> { id: number }

type ToastFn = (toast: ToastInput | string) => void
const ToastContext = createContext<ToastFn | null>(null)

/** Shows short messages in a polite live region (assertive for errors). Mounted by MonozuProvider. */
export function ToastProvider ({ children }: { children?: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([])
  const next = useRef(1)
  const dismiss = useCallback((id: number) => setItems(list => list.filter(t => t.id !== id)), [])
  const toast = useCallback<ToastFn>(input => {
    const t = typeof input === 'string' ? { message: input } : input
    const kind = t.kind ?? 'info'
    const item: ToastItem = { id: next.current++, message: t.message, kind, duration: t.duration ?? (kind === 'error' ? 8000 : 5000) }
    setItems(list => [...list.slice(-4), item])
    if (item.duration > 0) setTimeout(() => dismiss(item.id), item.duration)
  }, [dismiss])
  return (
    <ToastContext.Provider value={toast}>
      {children}
      <ToastRegion items={items} dismiss={dismiss} />
    </ToastContext.Provider>
  )
}

function ToastRegion ({ items, dismiss }: { items: ToastItem[], dismiss: (id: number) => void }) {
  const t = useT()
  const polite = useMemo(() => items.filter(i => i.kind !== 'error'), [items])
  const assertive = useMemo(() => items.filter(i => i.kind === 'error'), [items])
  const render = (list: ToastItem[]) => list.map(item => (
    <div key={item.id} className={`mz-toast mz-toast--${item.kind}`}>
      <span className='mz-toast__message'>{item.message}</span>
      <button type='button' className='mz-button mz-button--ghost mz-button--icon' aria-label={t('toast.dismiss')} onClick={() => dismiss(item.id)}>×</button>
    </div>
  ))
  return (
    <section className='mz-toasts' aria-label={t('toast.region')}>
      <div role='status' aria-live='polite'>{render(polite)}</div>
      <div role='alert' aria-live='assertive'>{render(assertive)}</div>
    </section>
  )
}

/** `const toast = useToast(); toast({ kind: 'success', message: t('saved') })` */
export function useToast (): ToastFn {
  const toast = useContext(ToastContext)
  if (!toast) throw new Error('@monozu/ui-sdk: useToast needs the MonozuProvider')
  return toast
}
