import { toApiError, type Session } from '@monozu/ui-sdk'

/**
 * Downloads a file the API serves as an attachment. The token lives in memory only, so a plain
 * link cannot carry it: the file is fetched with it (refreshed once on 401) and saved from a
 * temporary object URL under its own name.
 */
export async function downloadFile (session: Session, url: string, filename: string): Promise<void> {
  const get = (token: string | null) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, credentials: 'same-origin' })
  let res = await get(session.getToken())
  if (res.status === 401) res = await get(await session.refresh())
  if (!res.ok) {
    const text = await res.text()
    let body: unknown = text
    try { body = JSON.parse(text) } catch { /* not JSON */ }
    throw toApiError(res.status, body)
  }
  const href = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 2000)
}

export function formatBytes (n: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB']
  let i = 0
  let v = n
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${new Intl.NumberFormat(lang === 'pl' ? 'pl-PL' : 'en-GB', { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`
}
