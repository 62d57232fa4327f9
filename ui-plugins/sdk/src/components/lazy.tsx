import { lazy, Suspense, type ComponentType } from 'react'
import type { BarChartProps } from './BarChart.tsx'
import type { DataTableProps } from './DataTable.tsx'
import type { DialogProps } from './Dialog.tsx'
import type { ModuleWidgetsProps } from './ModuleWidgets.tsx'
import type { TimeSeriesChartProps } from './TimeSeriesChart.tsx'
import { DelayedSpinner } from '@monozu/ui-sdk'

/*
 * The larger components load on first use, so the shell's start-up JS stays small (it renders
 * none of them). The shell calls preloadComponents() while a module loads, so by the time a
 * module renders them they are usually there already.
 */
const loaders = {
  table: () => import('./DataTable.tsx'),
  dialog: () => import('./Dialog.tsx'),
  chart: () => import('./TimeSeriesChart.tsx'),
  bars: () => import('./BarChart.tsx'),
  widgets: () => import('./ModuleWidgets.tsx')
}

let preloaded: Promise<unknown> | undefined
/** Starts loading the lazily loaded components (DataTable, Dialog, the charts, ModuleWidgets). */
export function preloadComponents (): Promise<unknown> {
  preloaded ??= Promise.all(Object.values(loaders).map(load => load())).catch(() => { preloaded = undefined })
  return preloaded
}

const LazyTable = lazy(() => loaders.table().then(m => ({ default: m.DataTable as ComponentType<DataTableProps<unknown>> })))
const LazyDialog = lazy(() => loaders.dialog().then(m => ({ default: m.Dialog })))
const LazyChart = lazy(() => loaders.chart().then(m => ({ default: m.TimeSeriesChart })))
const LazyBars = lazy(() => loaders.bars().then(m => ({ default: m.BarChart })))
const LazyWidgets = lazy(() => loaders.widgets().then(m => ({ default: m.ModuleWidgets })))

/** A table with a text filter, sortable columns (aria-sort) and paging, all on the client. */
export function DataTable<T> (props: DataTableProps<T>) {
  return <Suspense fallback={<DelayedSpinner />}><LazyTable {...(props as DataTableProps<unknown>)} /></Suspense>
}

/** A modal dialog: the page behind is inert, Tab cycles inside, Esc closes, focus returns. */
export function Dialog (props: DialogProps) {
  if (!props.open) return null
  return <Suspense fallback={null}><LazyDialog {...props} /></Suspense>
}

/** Line chart of values over time in plain SVG: no chart library. */
export function TimeSeriesChart (props: TimeSeriesChartProps) {
  const height = props.height ?? (props.variant === 'sparkline' ? 48 : 220)
  return <Suspense fallback={<div className='mz-chart' style={{ minHeight: height }} aria-busy='true' />}><LazyChart {...props} /></Suspense>
}

/** Horizontal bars for counts by category, with the data as a real table underneath. */
export function BarChart (props: BarChartProps) {
  return <Suspense fallback={<div className='mz-chart' aria-busy='true' />}><LazyBars {...props} /></Suspense>
}

/**
 * The summary widgets of every module this user has, as cards; only the home page shows them.
 * Each module's cards show their own spinner while they load, so this shows none of its own.
 */
export function ModuleWidgets (props: ModuleWidgetsProps) {
  return <Suspense fallback={null}><LazyWidgets {...props} /></Suspense>
}
