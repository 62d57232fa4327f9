/**
 * @monozu/kernel: everything a plugin may use. Anything not exported here is internal and
 * may change without notice. Starting a kernel is @monozu/kernel/host; testing one,
 * @monozu/kernel/testing.
 */
export { KERNEL_API_VERSION } from './version.ts'
export { definePlugin, type PluginContext, type PluginDefinition, type DefinedPlugin, type DemoTenant } from './plugins/define.ts'
export { defineServiceRef, type ServiceRef } from './plugins/service-ref.ts'
export type { PluginIngest, IngestConsumer, IngestedEvent, IngestEventInput, IngestKind, IngestTenantEvents, EventCheck } from './ingest/types.ts'
export type { PluginManifest, LocalText } from './plugins/manifest.ts'
export { tenantTable, platformTable } from './db/tenant-table.ts'
export { isUuid, rowsOf, type Database, type Transaction, type PlatformPurpose } from './db/database.ts'
export type { Principal } from './auth/principal.ts'
export type { AuditService, AuditEntry } from './audit/audit.ts'
export type { JobRun, JobHandler, JobOptions, EnqueueOptions, PluginJobs } from './jobs/types.ts'
export type { PluginChannels } from './channels/plugin-channels.ts'
export type { Clock, CancelTimer } from './clock/clock.ts'
export type { BusMessage } from './bus/bus.ts'
export type { DomainEvent, EventHandler, EventBatchHandler, PublishOptions, PluginEvents } from './events/types.ts'
export type { NotificationInput, Notify, NotificationSeverity, NotificationChannel, NotificationItem } from './notifications/types.ts'
export type { TenantDirectory, TenantSummary, TenantUser, UserQuery } from './tenancy/directory.ts'
export type { ActivityEntry, ActivityParty, SubjectNamer } from './tenancy/activity.ts'
export type { PluginUsage, UsageCount } from './usage/counters.ts'
export { ApiError } from './errors/errors.ts'
export { httpErrors, type HttpErrorCode } from './errors/catalogue.ts'
export { pageQuery, pageOf, page, encodeCursor, decodeCursor, type CursorKind } from './http/pagination.ts'
export { csvCell, csvRow, csvValue, type CsvValue } from './http/csv.ts'
