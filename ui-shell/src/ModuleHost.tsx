import { Component, lazy, Suspense, useMemo, useState, type ComponentType, type ErrorInfo, type ReactNode } from 'react'
import { DelayedSpinner, ErrorState, useT, type ModuleProps } from '@monozu/ui-sdk'
import { messages } from './messages.ts'
import { loadModule, moduleBase, type UiFeature } from './remotes.ts'

interface BoundaryProps { fallback: (error: unknown) => ReactNode, children?: ReactNode }

/** Keeps a broken module (failed load or a render error) to its own card. */
class ModuleBoundary extends Component<BoundaryProps, { error: unknown }> {
  override state: { error: unknown } = { error: undefined }
  static getDerivedStateFromError (error: unknown) { return { error: error ?? new Error('unknown error') } }
  override componentDidCatch (error: unknown, info: ErrorInfo) { console.error('Module failed', error, info.componentStack) }
  override render () { return this.state.error !== undefined ? this.props.fallback(this.state.error) : this.props.children }
}

/** Mounts one module's `./Module` on `/m/<pluginId>/*` inside an error boundary and Suspense. */
export function ModuleHost ({ feature }: { feature: UiFeature }) {
  const t = useT(messages)
  const [attempt, setAttempt] = useState(0)
  const Module = useMemo<ComponentType<ModuleProps>>(() => lazy(() => {
    // The SDK's module-facing part (the shell's shared copy, not in its start-up JS) in parallel
    // with the module, which would otherwise ask for it only once its own code has arrived.
    void import('@monozu/ui-sdk/components').catch(() => { /* the module's own import reports it */ })
    return loadModule(feature)
  }), [feature, attempt])
  const name = t.pick(feature.name)
  return (
    <ModuleBoundary
      key={`${feature.id}:${attempt}`}
      fallback={error => (
        <div className='mz-shell-module-error'>
          <ErrorState testId='module-error' title={t('module.failed', { name })} error={error} onRetry={() => setAttempt(a => a + 1)} />
        </div>
      )}
    >
      <Suspense fallback={<DelayedSpinner label={t('module.loading', { name })} />}>
        <div className='mz-shell-module' data-testid={`module-${feature.id}`}>
          <Module basePath={moduleBase(feature.id)} />
        </div>
      </Suspense>
    </ModuleBoundary>
  )
}
