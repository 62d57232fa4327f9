import { gzipSync } from 'node:zlib'

/** One ustar header block for a regular file (names up to 100 bytes). */
function header (name: string, size: number, mtime: number): Buffer {
  const block = Buffer.alloc(512)
  const field = (offset: number, length: number, value: string) => block.write(value, offset, length, 'ascii')
  const octal = (offset: number, length: number, value: number) => field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0')
  if (Buffer.byteLength(name) > 100) throw new Error(`archive entry name too long: ${name}`)
  field(0, 100, name)
  octal(100, 8, 0o600)
  octal(108, 8, 0)
  octal(116, 8, 0)
  octal(124, 12, size)
  octal(136, 12, Math.floor(mtime / 1000))
  field(148, 8, '        ')
  field(156, 1, '0')
  field(257, 6, 'ustar\0')
  field(263, 2, '00')
  let sum = 0
  for (const byte of block) sum += byte
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return block
}

/** A gzipped tar of the given files (what `tar xzf` reads). */
export function tarGz (files: Array<{ name: string, data: Buffer }>, mtime = Date.now()): Buffer {
  const parts: Buffer[] = []
  for (const file of files) {
    parts.push(header(file.name, file.data.length, mtime), file.data)
    const pad = (512 - (file.data.length % 512)) % 512
    if (pad) parts.push(Buffer.alloc(pad))
  }
  parts.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(parts))
}

/** One JSON line per row; binary columns as base64 strings. */
export function ndjson (rows: Array<Record<string, unknown>>): Buffer {
  return Buffer.from(rows.map(r => JSON.stringify(r, (_k, v) => (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) ? Buffer.from((v as { data: number[] }).data).toString('base64') : v) + '\n').join(''))
}
