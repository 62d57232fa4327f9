// Reads a request body with a byte cap. Content-Length is checked first, but a chunked body
// has none and a client can lie, so the stream itself is counted and cancelled past the cap.

export type BodyResult = { ok: true, text: string } | { ok: false, reason: 'too_large' | 'unreadable' | 'not_utf8' }

export async function readCapped (request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) return { ok: false, reason: 'too_large' }
  if (request.body === null) return { ok: true, text: '' }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel().catch(() => {})
        return { ok: false, reason: 'too_large' }
      }
      chunks.push(value)
    }
  } catch {
    return { ok: false, reason: 'unreadable' }
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) { bytes.set(chunk, offset); offset += chunk.byteLength }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
  } catch {
    return { ok: false, reason: 'not_utf8' }
  }
}

/** `application/json`, with or without parameters (`; charset=utf-8`), case-insensitive. */
export function isJson (request: Request): boolean {
  const type = request.headers.get('content-type')
  return type !== null && type.split(';')[0]!.trim().toLowerCase() === 'application/json'
}
