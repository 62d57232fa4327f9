// The home page's hero image, drawn at build time from the catalogue (src/pages/images/[image].ts):
// a sketch of the app whose menu holds only what customers can use today (the platform's modules
// and the available ones) and whose main area lists every product module with its real status.
// No invented figures, and a module appears in the menu only once its plugin is in the cloud.
import type { ProductModule } from '../../../catalogue/modules.ts'

export type HeroLocale = 'en' | 'pl'

const text = {
  pl: { heading: 'Moduły', sub: 'Twoja organizacja', available: 'Dostępny', coming: 'Wkrótce', comingBody: 'W przygotowaniu' },
  en: { heading: 'Modules', sub: 'Your organisation', available: 'Available', coming: 'Coming', comingBody: 'In the works' }
} satisfies Record<HeroLocale, Record<string, string>>

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Greedy word wrap by character count (a sketch: the font is the visitor's system font). */
function wrap (s: string, width: number, maxLines: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of s.split(/\s+/)) {
    if (line && (line + ' ' + word).length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, maxLines)
  kept[maxLines - 1] = kept[maxLines - 1]!.replace(/\s*\S*$/, '') + ' …'
  return kept
}

/** The SVG (960×640) for `locale`: `platform` are the unlicensed modules (Overview), `modules` the product's. */
export function heroSvg (locale: HeroLocale, modules: ProductModule[], platform: ProductModule[]): string {
  const t = text[locale]
  const menu = [...platform, ...modules.filter(m => m.status === 'available')]
  const out: string[] = [
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 960 640" width="960" height="640" font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif">',
    '<rect width="960" height="640" rx="14" fill="#ffffff"/>',
    '<path d="M14 0h932a14 14 0 0 1 14 14v30H0V14A14 14 0 0 1 14 0z" fill="#f1f5f9"/>',
    '<circle cx="24" cy="22" r="5.5" fill="#f87171"/><circle cx="42" cy="22" r="5.5" fill="#fbbf24"/><circle cx="60" cy="22" r="5.5" fill="#34d399"/>',
    '<rect x="330" y="12" width="300" height="20" rx="10" fill="#ffffff" stroke="#e2e8f0"/>',
    '<text x="480" y="26.5" text-anchor="middle" font-size="11" fill="#64748b">app.monozu.cloud</text>',
    '<path d="M0 44h190v582a14 14 0 0 1-14 14H14a14 14 0 0 1-14-14z" fill="#1e1b4b"/>',
    '<rect x="22" y="66" width="26" height="26" rx="7" fill="#4a3fc8"/><rect x="27" y="71" width="7" height="7" rx="2" fill="#fff"/><rect x="36" y="71" width="7" height="7" rx="2" fill="#2dd4bf"/><rect x="27" y="80" width="7" height="7" rx="2" fill="#c7d2fe"/><rect x="36" y="80" width="7" height="7" rx="2" fill="#fff"/>',
    '<text x="58" y="84" font-size="14" font-weight="600" fill="#ffffff">Monozu</text>'
  ]
  menu.slice(0, 11).forEach((m, i) => {
    const y = 118 + i * 40
    if (i === 0) out.push(`<rect x="12" y="${y}" width="166" height="32" rx="8" fill="#4a3fc8"/>`)
    out.push(`<rect x="26" y="${y + 9}" width="14" height="14" rx="4" fill="${i === 0 ? '#ffffff' : '#6366f1'}" opacity="${i === 0 ? 1 : 0.8}"/>`)
    out.push(`<text x="50" y="${y + 21}" font-size="13" fill="${i === 0 ? '#ffffff' : '#c7d2fe'}" data-menu="${escape(m.id)}">${escape(m.name[locale])}</text>`)
  })
  out.push(`<text x="222" y="86" font-size="20" font-weight="700" fill="#0f172a">${t.heading}</text>`)
  out.push(`<text x="222" y="106" font-size="12" fill="#64748b">${t.sub}</text>`)
  // Two columns of cards, as many rows as the modules need (up to 8 modules).
  const shown = modules.slice(0, 8)
  const rows = Math.max(1, Math.ceil(shown.length / 2))
  const top = 126
  const gap = 14
  const height = Math.min(150, Math.floor((640 - 24 - top - gap * (rows - 1)) / rows))
  const lines = Math.max(1, Math.floor((height - 62) / 17))
  shown.forEach((m, i) => {
    const x = 222 + (i % 2) * 362
    const y = top + Math.floor(i / 2) * (height + gap)
    const available = m.status === 'available'
    out.push(`<g data-module="${escape(m.id)}" data-status="${m.status}">`)
    out.push(`<rect x="${x}" y="${y}" width="346" height="${height}" rx="12" fill="${available ? '#ffffff' : '#f8fafc'}" stroke="#e2e8f0"/>`)
    out.push(`<rect x="${x + 18}" y="${y + 18}" width="28" height="28" rx="8" fill="#4a3fc8" opacity="${available ? 0.16 : 0.07}"/>`)
    out.push(`<text x="${x + 58}" y="${y + 37}" font-size="15" font-weight="600" fill="${available ? '#0f172a' : '#64748b'}">${escape(m.name[locale])}</text>`)
    const label = available ? t.available : t.coming
    const w = label.length * 7 + 20
    out.push(`<rect x="${x + 346 - 18 - w}" y="${y + 21}" width="${w}" height="22" rx="11" fill="${available ? '#d1fae5' : '#fef3c7'}"/>`)
    out.push(`<text x="${x + 346 - 18 - w / 2}" y="${y + 36}" text-anchor="middle" font-size="11" font-weight="600" fill="${available ? '#065f46' : '#78350f'}">${label}</text>`)
    const body = available ? m.summary[locale] : t.comingBody
    if (body) {
      wrap(body, 44, lines).forEach((line, j) => {
        out.push(`<text x="${x + 18}" y="${y + 70 + j * 17}" font-size="12" fill="${available ? '#475569' : '#94a3b8'}">${escape(line)}</text>`)
      })
    }
    out.push('</g>')
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}
