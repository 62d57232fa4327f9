import type { LocalText } from '../plugins/manifest.ts'
import type { Language, NotificationItem, NotificationSeverity } from './types.ts'

/** jsonb comes back parsed from PostgreSQL and as text from SQL Server. */
const json = (v: unknown): LocalText => (typeof v === 'string' ? JSON.parse(v) : v) as LocalText
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString())

/** A `notifications` row as its recipient reads it, in `language`. */
export function itemOf (row: Record<string, any>, language: Language): NotificationItem {
  const title = json(row.title)
  const body = json(row.body)
  return {
    id: row.id,
    type: row.type,
    severity: row.severity as NotificationSeverity,
    title: title[language] ?? title.en,
    body: body[language] ?? body.en,
    localized: { title, body },
    link: row.link ?? null,
    createdAt: iso(row.created_at) as string,
    readAt: iso(row.read_at)
  }
}

const text = { type: 'object', required: ['en', 'pl'], properties: { en: { type: 'string' }, pl: { type: 'string' } } } as const

/** The response schema of one item (lists and the live event carry the same shape). */
export const itemSchema = {
  type: 'object',
  required: ['id', 'type', 'severity', 'title', 'body', 'localized', 'link', 'createdAt', 'readAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', description: '<pluginId>.<name>, declared in the plugin\'s plugin.json' },
    severity: { enum: ['info', 'warning', 'critical'] },
    title: { type: 'string', description: 'In the user\'s language (PATCH /api/v1/me)' },
    body: { type: 'string', description: 'In the user\'s language' },
    localized: { type: 'object', required: ['title', 'body'], properties: { title: text, body: text }, description: 'Both languages' },
    link: { type: ['string', 'null'], description: 'A path inside the UI, e.g. /devices/42' },
    createdAt: { type: 'string', format: 'date-time' },
    readAt: { type: ['string', 'null'], format: 'date-time' }
  }
} as const
