import type { NotificationSeverity } from '../types.ts'

export type Language = 'en' | 'pl'
type Text = { en: string, pl: string }

/** One notification as an email shows it (title and body already in the recipient's language). */
export interface MailItem {
  type: string
  /** The type's label from its plugin's manifest, in the recipient's language (the type id when unknown). */
  typeLabel: string
  severity: NotificationSeverity
  title: string
  body: string
  /** Relative UI path, or null. */
  link: string | null
  createdAt: Date
}

export interface RenderedMail { subject: string, text: string, html: string }

const words = {
  severity: {
    info: { en: 'Info', pl: 'Informacja' },
    warning: { en: 'Warning', pl: 'Ostrzeżenie' },
    critical: { en: 'Critical', pl: 'Krytyczne' }
  },
  open: { en: 'Open in Monozu', pl: 'Otwórz w Monozu' },
  why: {
    en: 'You received this email because you are a recipient of this notification in Monozu.',
    pl: 'Otrzymujesz tę wiadomość, ponieważ jesteś odbiorcą tego powiadomienia w Monozu.'
  },
  whyDigest: {
    en: 'You received this daily digest because you chose it in your notification settings.',
    pl: 'Otrzymujesz to codzienne podsumowanie, ponieważ wybrałeś je w ustawieniach powiadomień.'
  },
  preferences: { en: 'Change which notifications you get by email', pl: 'Zmień, które powiadomienia dostajesz e-mailem' },
  digestSubject: { en: 'Monozu daily digest: {n} notifications', pl: 'Monozu – podsumowanie dnia: powiadomienia ({n})' },
  digestIntro: { en: 'Notifications since your last digest:', pl: 'Powiadomienia od ostatniego podsumowania:' }
} satisfies Record<string, Text | Record<string, Text>>

export const PREFERENCES_PATH = '/settings/notifications'

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** `link` under PUBLIC_URL; only a relative path is accepted, so a plugin cannot point mail at another site. */
export function absoluteLink (publicUrl: string, link: string | null): string | null {
  if (!link || !link.startsWith('/') || link.startsWith('//')) return null
  return publicUrl.replace(/\/+$/, '') + link
}

// Subject lines are one line: a title with a newline would otherwise fold into headers.
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim().slice(0, 200)

const SEVERITY_COLOUR: Record<NotificationSeverity, string> = { info: '#2563eb', warning: '#b45309', critical: '#b91c1c' }

function page (lang: Language, inner: string, footer: string): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#18181b">
<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
${inner}
<hr style="border:none;border-top:1px solid #e4e4e7;margin:24px 0 12px">
<p style="font-size:12px;color:#71717a;margin:0">${footer}</p>
</div></body></html>
`
}

function footer (lang: Language, publicUrl: string, why: Text): { text: string, html: string } {
  const prefs = publicUrl.replace(/\/+$/, '') + PREFERENCES_PATH
  return {
    text: `--\n${why[lang]}\n${words.preferences[lang]}: ${prefs}\n`,
    html: `${escapeHtml(why[lang])}<br><a href="${escapeHtml(prefs)}" style="color:#71717a">${escapeHtml(words.preferences[lang])}</a>`
  }
}

const badge = (lang: Language, severity: NotificationSeverity) =>
  `<span style="display:inline-block;padding:2px 8px;border-radius:4px;font-size:12px;color:#ffffff;background:${SEVERITY_COLOUR[severity]}">${escapeHtml(words.severity[severity][lang])}</span>`

/** The email for one notification. */
export function renderNotification (item: MailItem, lang: Language, publicUrl: string): RenderedMail {
  const url = absoluteLink(publicUrl, item.link)
  const severity = words.severity[item.severity][lang]
  const foot = footer(lang, publicUrl, words.why)
  const subject = item.severity === 'info' ? oneLine(item.title) : `[${severity}] ${oneLine(item.title)}`
  const text = [`${item.title}`, `${severity} · ${item.typeLabel}`, '', item.body, '', ...(url ? [`${words.open[lang]}: ${url}`, ''] : []), foot.text].join('\n')
  const html = page(lang, [
    `<p style="margin:0 0 8px">${badge(lang, item.severity)} <span style="font-size:12px;color:#71717a">${escapeHtml(item.typeLabel)}</span></p>`,
    `<h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(item.title)}</h1>`,
    `<p style="margin:0 0 16px;white-space:pre-wrap">${escapeHtml(item.body)}</p>`,
    url ? `<p style="margin:0"><a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:#18181b;color:#ffffff;text-decoration:none">${escapeHtml(words.open[lang])}</a></p>` : ''
  ].join('\n'), foot.html)
  return { subject, text, html }
}

/** The daily digest: the notifications grouped by type, most severe first within each group. */
export function renderDigest (items: MailItem[], lang: Language, publicUrl: string): RenderedMail {
  const rank: Record<NotificationSeverity, number> = { critical: 0, warning: 1, info: 2 }
  const groups = new Map<string, MailItem[]>()
  for (const item of items) groups.set(item.typeLabel, [...(groups.get(item.typeLabel) ?? []), item])
  for (const list of groups.values()) list.sort((a, b) => rank[a.severity] - rank[b.severity] || a.createdAt.getTime() - b.createdAt.getTime())
  const foot = footer(lang, publicUrl, words.whyDigest)
  const subject = words.digestSubject[lang].replace('{n}', String(items.length))

  const text: string[] = [words.digestIntro[lang], '']
  const html: string[] = [`<h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(words.digestIntro[lang])}</h1>`]
  for (const [label, list] of groups) {
    text.push(`== ${label} (${list.length}) ==`)
    html.push(`<h2 style="font-size:16px;margin:16px 0 8px">${escapeHtml(label)} (${list.length})</h2><ul style="padding-left:20px;margin:0">`)
    for (const item of list) {
      const url = absoluteLink(publicUrl, item.link)
      text.push(`- [${words.severity[item.severity][lang]}] ${oneLine(item.title)}`, `  ${item.body.replace(/\n/g, '\n  ')}`, ...(url ? [`  ${url}`] : []))
      const title = url ? `<a href="${escapeHtml(url)}" style="color:#18181b">${escapeHtml(item.title)}</a>` : escapeHtml(item.title)
      html.push(`<li style="margin:0 0 8px">${badge(lang, item.severity)} <strong>${title}</strong><br><span style="white-space:pre-wrap">${escapeHtml(item.body)}</span></li>`)
    }
    text.push('')
    html.push('</ul>')
  }
  text.push(foot.text)
  return { subject, text: text.join('\n'), html: page(lang, html.join('\n'), foot.html) }
}
