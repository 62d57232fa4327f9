import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TempPlugin {
  id: string
  manifest?: Record<string, unknown> | string
  /** Body of src/index.ts; default: a plugin with no routes. */
  source?: string
  migrations?: Record<string, string>
}

/** Writes throw-away plugin folders (outside the repo, like a partner's) and returns their paths. */
export function tempPlugins (plugins: TempPlugin[]): string[] {
  const root = mkdtempSync(join(tmpdir(), 'monozu-plugins-'))
  return plugins.map(p => {
    const dir = join(root, p.id)
    mkdirSync(join(dir, 'src'), { recursive: true })
    const manifest = typeof p.manifest === 'string'
      ? p.manifest
      : JSON.stringify({
        id: p.id,
        name: { en: p.id, pl: p.id },
        version: '1.0.0',
        description: `temporary plugin ${p.id}`,
        kernel: '^1.0.0',
        permissions: [{ id: `${p.id}.read`, description: 'read' }],
        ...p.manifest
      }, null, 2)
    writeFileSync(join(dir, 'plugin.json'), manifest)
    writeFileSync(join(dir, 'src', 'index.ts'), p.source ?? "import { definePlugin } from '@monozu/kernel'\nexport default definePlugin({ start () {} })\n")
    if (p.migrations) {
      mkdirSync(join(dir, 'migrations'))
      for (const [name, body] of Object.entries(p.migrations)) writeFileSync(join(dir, 'migrations', name), body)
    }
    return dir
  })
}
