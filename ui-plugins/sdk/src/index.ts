/**
 * @monozu/ui-sdk: the core every Monozu UI module and the shell share. The shell and every module
 * use one instance (module federation singleton), so hooks read the shell's session. It holds only
 * what the shell needs to draw its first screen; lists, filters, forms, charts, dialogs and widgets
 * are in `@monozu/ui-sdk/components`, which only modules (and the shell's lazy pages) import.
 */
export type { Feature, Lang, Localized, Me, MeFeatures, ModuleProps, NavItem, Session, Tenant } from './types.ts'
export { LANGS } from './types.ts'
export { MonozuProvider, useMonozu, useMe, useFeatures, useHasPermission, useSession } from './context.tsx'
export type { MonozuProviderProps, MonozuContextValue } from './context.tsx'
export { ApiError, createApiClient, toApiError, useApi, useApiData, withQuery } from './api.ts'
export type { ApiClient, ApiData, ProblemFieldError, Query, RequestOptions } from './api.ts'
export { describeError, fieldErrors } from './errors.ts'
export { useChannel, channelUrl, backoffDelay, CLOSE_FORBIDDEN, CLOSE_TOKEN_EXPIRED } from './channel.ts'
export type { ChannelEvent, ChannelOptions, ChannelStatus } from './channel.ts'
export { baseMessages, defineMessages, format, translate, useFormat, useLang, useT } from './i18n.ts'
export type { Dictionary, Format, Messages, T, Vars } from './i18n.ts'
export { formatDateTime, formatDay, formatRelative } from './dates.ts'
export type { DateInput } from './dates.ts'
export { Link, NavLink, Routes, joinPath, matchPath, navigate, useLocation } from './router.tsx'
export type { LinkProps, Location, Route } from './router.tsx'
export { ToastProvider, useToast } from './components/Toast.tsx'
export type { ToastInput, ToastKind } from './components/Toast.tsx'
export { DelayedSpinner, EmptyState, ErrorState, Spinner } from './components/States.tsx'
export type { ModuleLoader, Widget, WidgetProps } from './widgets.tsx'
