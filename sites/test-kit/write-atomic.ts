// Writes a generated file so that a reader never sees half of it: to a private temporary name,
// then renamed into place. The sites' build tests run side by side and each regenerates the same
// files (with the same content) before its own build.
import { renameSync, writeFileSync } from 'node:fs'

export function writeAtomic (file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, text)
  renameSync(temp, file)
}
