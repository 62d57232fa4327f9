import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { useT } from '@monozu/ui-sdk'

const focusable = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export interface DialogProps {
  open: boolean
  onClose: () => void
  title: ReactNode
  children?: ReactNode
  /** Buttons at the bottom (e.g. Cancel / Save). */
  footer?: ReactNode
  /** 'alertdialog' for confirmations. */
  role?: 'dialog' | 'alertdialog'
}

/**
 * A modal dialog: the page behind is inert, Tab cycles inside, Esc closes, and focus returns
 * to where it was when the dialog opened.
 */
export function Dialog ({ open, onClose, title, children, footer, role = 'dialog' }: DialogProps) {
  const t = useT()
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const close = useRef(onClose)
  close.current = onClose

  useEffect(() => {
    const dialog = ref.current
    if (!open || !dialog) return
    const previous = document.activeElement as HTMLElement | null
    if (!dialog.open) dialog.showModal()
    // React never renders `autoFocus` as an attribute, so `data-autofocus` marks the control to start on.
    const first = dialog.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? dialog.querySelector('.mz-dialog__body')?.querySelector<HTMLElement>(focusable) ?? dialog.querySelector<HTMLElement>(focusable)
    first?.focus()
    return () => {
      if (dialog.open) dialog.close()
      previous?.focus?.()
    }
  }, [open])

  if (!open) return null

  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close.current(); return }
    if (e.key !== 'Tab') return
    const items = Array.from(ref.current?.querySelectorAll<HTMLElement>(focusable) ?? []).filter(el => el.offsetParent !== null || el === document.activeElement)
    if (items.length === 0) { e.preventDefault(); return }
    const first = items[0] as HTMLElement
    const last = items[items.length - 1] as HTMLElement
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus() } else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus() }
  }

  return (
    <dialog
      ref={ref}
      className='mz-dialog'
      role={role}
      aria-modal='true'
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      onCancel={e => { e.preventDefault(); close.current() }}
      onClick={e => { if (e.target === ref.current) close.current() }}
    >
      <div className='mz-dialog__panel'>
        <header className='mz-dialog__header'>
          <h2 id={titleId} className='mz-dialog__title'>{title}</h2>
          <button type='button' className='mz-button mz-button--ghost mz-button--icon' aria-label={t('common.close')} onClick={() => close.current()}>×</button>
        </header>
        <div className='mz-dialog__body'>{children}</div>
        {footer && <footer className='mz-dialog__footer'>{footer}</footer>}
      </div>
    </dialog>
  )
}
