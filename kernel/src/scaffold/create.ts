import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KERNEL_API_VERSION } from '../version.ts'

/** The template folders: beside src/ (and dist/ in the packed kernel), so both find them. */
const templates = fileURLToPath(new URL('../../templates/', import.meta.url))

/** plugin.schema.json's id rule; kept here too so the error can say which part is wrong. */
const idPattern = /^[a-z][a-z0-9-]{1,31}$/
/** Ids of the kernel's own prefixes and areas: a plugin named so would clash with /api/v1/<id>. */
const reserved = new Set(['admin', 'auth', 'me', 'ws', 'health', 'internal', 'roles', 'users', 'tenants', 'kernel', 'sdk', 'template', 'notifications', 'webhooks', 'events', 'ui'])

/** A refusal to scaffold: the CLI prints the message alone and exits 1. */
export class ScaffoldError extends Error {}

export interface CreateOptions {
  id: string
  /**
   * Where to write. `repo` (default in the Monozu checkout): plugins/<id> and ui-plugins/<id>.
   * `dir`: <dir>/<id>, with the UI module in <dir>/<id>/ui, which is where the kernel serves a
   * PLUGINS_DIRS plugin's UI from.
   */
  target: { repo: string } | { dir: string }
  /** Plugin folders already installed (their plugin.json ids may not be reused). */
  takenIds?: string[]
  /** The @monozu/ui-sdk version range the UI module asks for. */
  uiSdkRange: string
}

export interface Created { backend: string, ui: string, files: string[] }

/** Why `id` cannot name a new plugin, or null. */
export function checkId (id: string, takenIds: string[] = []): string | null {
  if (!idPattern.test(id)) {
    const like = id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '')
    if (/[A-Z]/.test(id)) return `plugin id "${id}" must be lower-case, e.g. "${like}"`
    if (id.length < 2 || id.length > 32) return `plugin id "${id}" must be 2 to 32 characters`
    if (!/^[a-z]/.test(id)) return `plugin id "${id}" must start with a letter`
    return `plugin id "${id}" may hold only a-z, 0-9 and -, e.g. "${like}"`
  }
  if (id.endsWith('-') || id.includes('--')) return `plugin id "${id}" may not end with - or hold --`
  if (reserved.has(id)) return `plugin id "${id}" is reserved by the kernel; choose another`
  if (takenIds.includes(id)) return `a plugin with id "${id}" is already installed; choose another`
  return null
}

/** Writes the backend plugin and its UI module from the templates; refuses to overwrite anything. */
export function createPlugin (options: CreateOptions): Created {
  const { id } = options
  const problem = checkId(id, options.takenIds)
  if (problem) throw new ScaffoldError(problem)
  const [backend, ui] = 'repo' in options.target
    ? [join(options.target.repo, 'plugins', id), join(options.target.repo, 'ui-plugins', id)]
    : [join(resolve(options.target.dir), id), join(resolve(options.target.dir), id, 'ui')]
  for (const dir of [backend, ui]) {
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new ScaffoldError(`${dir} already exists and is not empty: nothing was written (remove it or choose another id)`)
  }
  const [major, minor] = KERNEL_API_VERSION.split('.')
  const values: Record<string, string> = {
    id,
    snake: id.replace(/-/g, '_'),
    remote: id.replace(/-/g, '_'),
    title: id.split('-').map(w => w[0]!.toUpperCase() + w.slice(1)).join(' '),
    kernelRange: `^${major}.${minor}.0`,
    uiSdkRange: options.uiSdkRange
  }
  const files = [...render(join(templates, 'plugin'), backend, values), ...render(join(templates, 'ui'), ui, values)]
  return { backend, ui, files }
}

/** Every `*.tmpl` under `from`, with `{{name}}` filled in, written under `to` without the suffix. */
function render (from: string, to: string, values: Record<string, string>): string[] {
  const written: string[] = []
  for (const file of walk(from)) {
    const target = join(to, relative(from, file).replace(/\.tmpl$/, ''))
    const text = readFileSync(file, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const value = values[name]
      if (value === undefined) throw new Error(`template ${file} names an unknown value {{${name}}}`)
      return value
    })
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, text, { flag: 'wx' })
    written.push(target)
  }
  return written
}

function walk (dir: string): string[] {
  return readdirSync(dir).sort().flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.tmpl') ? [path] : []
  })
}
