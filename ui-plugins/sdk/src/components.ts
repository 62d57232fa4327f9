/**
 * @monozu/ui-sdk/components: what a module's screens use beyond the core (lists, filters, form
 * fields, badges, charts, dialogs, home-page widgets). The shell never imports it at start, so
 * none of it is in the shell's start-up JS. Everything here reaches the session through the core
 * (`@monozu/ui-sdk`, imported by package name so a module gets the shell's shared instance);
 * modules share one copy of this part between them (see vite.js).
 */
import { preloadComponents } from './components/lazy.tsx'

export { useCursorList } from './cursorList.ts'
export type { CursorList, Page } from './cursorList.ts'
export { createLiveChannel, useCatchUp } from './live.tsx'
export type { LiveChannel, LiveEvent } from './live.tsx'
export { RelativeTime } from './components/RelativeTime.tsx'
export { BarChart, DataTable, Dialog, ModuleWidgets, TimeSeriesChart, preloadComponents } from './components/lazy.tsx'
export { CursorTable } from './components/CursorTable.tsx'
export { CursorItems, LoadMore } from './components/CursorItems.tsx'
export type { Column, DataTableProps } from './components/DataTable.tsx'
export type { CursorItemsProps } from './components/CursorItems.tsx'
export type { CursorTableProps } from './components/CursorTable.tsx'
export { Field } from './components/Field.tsx'
export type { FieldProps } from './components/Field.tsx'
export { SelectFilter, TextFilter } from './components/Filters.tsx'
export type { SelectFilterProps, TextFilterProps } from './components/Filters.tsx'
export type { DialogProps } from './components/Dialog.tsx'
export { StatusBadge } from './components/StatusBadge.tsx'
export type { Tone } from './components/StatusBadge.tsx'
export type { Point, Series, TimeSeriesChartProps } from './components/TimeSeriesChart.tsx'
export { defineWidgets } from './widgets.tsx'
export type { ModuleLoader, Widget, WidgetProps } from './widgets.tsx'
export type { ModuleWidgetsProps } from './components/ModuleWidgets.tsx'
export type { Bar, BarChartProps } from './components/BarChart.tsx'

// A module that imports this part is rendering screens: start fetching the lazily loaded
// components (DataTable, Dialog, the charts) alongside it, as the shell once did for every module.
void preloadComponents()
