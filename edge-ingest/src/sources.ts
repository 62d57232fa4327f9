// The JSON text of each event exactly as the device sent it, so the inbox can store that text
// instead of serialising every parsed event again (re-serialising cost more than parsing). Only
// ever run on text that JSON.parse has accepted: the scanner checks structure, not validity.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

function skipSpace (text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i
    i++
  }
}

/** `i` at an opening quote; returns the index after the closing one. */
function skipString (text: string, i: number): number {
  for (let at = i + 1; ;) {
    const end = text.indexOf('"', at)
    if (end < 0) throw new SyntaxError('unterminated string')
    let slashes = 0
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++
    if (slashes % 2 === 0) return end + 1
    at = end + 1
  }
}

/** `i` at the start of a value; returns the index after it. */
function skipValue (text: string, i: number): number {
  const first = text.charCodeAt(i)
  if (first === QUOTE) return skipString(text, i)
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: it ends where the enclosing structure goes on.
    for (;;) {
      const c = text.charCodeAt(i)
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || Number.isNaN(c)) return i
      i++
    }
  }
  let depth = 0
  for (;;) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) { i = skipString(text, i); continue }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) { if (--depth === 0) return i + 1 } else if (Number.isNaN(c)) throw new SyntaxError('unterminated value')
    i++
  }
}

function expect (text: string, i: number, code: number): number {
  if (text.charCodeAt(i) !== code) throw new SyntaxError(`expected ${String.fromCharCode(code)} at ${i}`)
  return i + 1
}

/**
 * The source text of each element of the top-level `events` array of a JSON body, in order
 * (`JSON.parse(result[n])` equals `JSON.parse(body).events[n]`). Like JSON.parse, a repeated
 * `events` key counts only where it last appears. Null when the body has no `events` array.
 */
export function eventSources (body: string): string[] | null {
  let i = expect(body, skipSpace(body, 0), OPEN_BRACE)
  let sources: string[] | null = null
  i = skipSpace(body, i)
  if (body.charCodeAt(i) === CLOSE_BRACE) return null
  for (;;) {
    const keyStart = i
    i = skipString(body, i)
    const raw = body.slice(keyStart + 1, i - 1)
    const key = raw.includes('\\') ? JSON.parse(body.slice(keyStart, i)) as string : raw
    i = skipSpace(body, expect(body, skipSpace(body, i), COLON))
    if (key === 'events' && body.charCodeAt(i) === OPEN_BRACKET) {
      sources = []
      i = skipSpace(body, i + 1)
      if (body.charCodeAt(i) === CLOSE_BRACKET) i++
      else {
        for (;;) {
          const start = i
          i = skipValue(body, i)
          sources.push(body.slice(start, i))
          i = skipSpace(body, i)
          if (body.charCodeAt(i) === CLOSE_BRACKET) { i++; break }
          i = skipSpace(body, expect(body, i, COMMA))
        }
      }
    } else {
      if (key === 'events') sources = null
      i = skipValue(body, i)
    }
    i = skipSpace(body, i)
    if (body.charCodeAt(i) === CLOSE_BRACE) return sources
    i = skipSpace(body, expect(body, i, COMMA))
  }
}
