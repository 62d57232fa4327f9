import { Component, lazy, Suspense, useId, useMemo, useState, type ErrorInfo, type ReactNode } from 'react'
import { useMonozu, defineMessages, useT, DelayedSpinner, ErrorState } from '@monozu/ui-sdk'
import type { Feature } from '../types.ts'
import type { ModuleLoader, Widget } from '../widgets.tsx'

const messages = defineMessages({
  en: { failed: '{name} could not show this', loading: 'Loading {name}…', region: 'Summaries from your modules' },
  pl: { failed: 'Moduł {name} nie mógł tego pokazać', loading: 'Ładowanie: {name}…', region: 'Podsumowania z modułów' }
})

class WidgetBoundary extends Component<{ fallback: (error: unknown) => ReactNode, children?: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined }
  static getDerivedStateFromError (error: unknown) { return { error: error ?? new Error('unknown error') } }
  override componentDidCatch (error: unknown, info: ErrorInfo) { console.error('Widget failed', error, info.componentStack) }
  override render () { return this.state.error !== undefined ? this.props.fallback(this.state.error) : this.props.children }
}

function asWidgets (mod: unknown, feature: Feature): Widget[] {
  const list = (mod as { default?: unknown } | null)?.default
  if (!Array.isArray(list)) throw new TypeError(`${feature.id}: ${feature.ui?.widgets} has no default export made with defineWidgets([...])`)
  return list as Widget[]
}

/** One module's widgets: loaded on first render, each card failing on its own. */
function FeatureWidgets ({ feature, loader }: { feature: Feature, loader: ModuleLoader }) {
  const t = useT(messages)
  const name = t.pick(feature.name)
  const [attempt, setAttempt] = useState(0)
  // A lazy component that renders the module's cards, so Suspense shows one spinner for the load.
  const Cards = useMemo(() => lazy(async () => {
    const widgets = asWidgets(await loader.load(feature, feature.ui!.widgets!), feature)
      .filter(w => !w.permission || feature.permissions.includes(w.permission))
    const basePath = loader.basePath(feature)
    return { default: () => <>{widgets.map(w => <WidgetCard key={w.id} feature={feature} widget={w} basePath={basePath} />)}</> }
  }), [feature, loader, attempt])
  return (
    <WidgetBoundary
      key={attempt}
      fallback={error => (
        <section className='mz-card mz-widget' data-testid={`widgets-${feature.id}-error`}>
          <ErrorState title={t('failed', { name })} error={error} onRetry={() => setAttempt(a => a + 1)} />
        </section>
      )}
    >
      <Suspense fallback={<section className='mz-card mz-widget'><DelayedSpinner label={t('loading', { name })} /></section>}>
        <Cards />
      </Suspense>
    </WidgetBoundary>
  )
}

function WidgetCard ({ feature, widget, basePath }: { feature: Feature, widget: Widget, basePath: string }) {
  const t = useT(messages)
  const titleId = useId()
  const [attempt, setAttempt] = useState(0)
  const Body = widget.component
  const title = t.pick(widget.title)
  return (
    <section className='mz-card mz-widget' aria-labelledby={titleId} data-testid={`widget-${feature.id}-${widget.id}`}>
      <h2 id={titleId} className='mz-card__title'>{title}</h2>
      <WidgetBoundary key={attempt} fallback={error => <ErrorState title={t('failed', { name: title })} error={error} onRetry={() => setAttempt(a => a + 1)} />}>
        <Suspense fallback={<DelayedSpinner label={t('loading', { name: title })} />}>
          <Body basePath={basePath} />
        </Suspense>
      </WidgetBoundary>
    </section>
  )
}

/**
 * The summary widgets of every module this user has (GET /api/v1/me/features with `ui.widgets`),
 * as cards (lay them out with `className`). A module that fails to load, or a widget that throws, shows an error card
 * of its own; the rest of the page goes on. Renders nothing outside the shell (no loader).
 */
export interface ModuleWidgetsProps {
  /** Plugin ids whose widgets not to show (the overview's own). */
  exclude?: string[]
  className?: string
}

export function ModuleWidgets ({ exclude = [], className }: ModuleWidgetsProps) {
  const { features, modules } = useMonozu()
  const t = useT(messages)
  const withWidgets = features.filter(f => f.ui?.widgets && !exclude.includes(f.id))
  if (!modules || withWidgets.length === 0) return null
  return (
    <div className={className ? `mz-widgets ${className}` : 'mz-widgets'} role='region' aria-label={t('region')}>
      {withWidgets.map(f => <FeatureWidgets key={f.id} feature={f} loader={modules} />)}
    </div>
  )
}
