// npm run generate (the prebuild and predev step): writes what the pages are generated from into
// src/generated/ (git-ignored): the kernel's OpenAPI document, the problem types behind the
// problem `type` URLs (the kernel's catalogue and each shipped plugin's plugin.json `errors`), and
// the names of the shipped plugins (tag labels of the API reference).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { problemTypes } from '@monozu/kernel/host'
import { generatedDir, repoRoot, shippedPlugins } from './paths.ts'

mkdirSync(generatedDir, { recursive: true })
// A child process, exactly as documented (`node scripts/openapi.ts <out>`): the kernel and its
// embedded database live and die there, not in the build.
execFileSync(process.execPath, [join(repoRoot, 'scripts', 'openapi.ts'), join(generatedDir, 'openapi.json')], { stdio: 'inherit' })
const manifests = shippedPlugins().map(p => p.manifest)
const problems = problemTypes(manifests)
writeFileSync(join(generatedDir, 'problems.json'), JSON.stringify(problems, null, 2) + '\n')
const plugins = manifests.map(m => ({ id: m.id, name: m.name.en, description: m.description, feature: m.license?.feature ?? null }))
writeFileSync(join(generatedDir, 'plugins.json'), JSON.stringify(plugins, null, 2) + '\n')
console.log(`generate: ${problems.length} problem types, ${plugins.length} plugins, OpenAPI in ${generatedDir}`)
