// npm run generate (the prebuild and predev step): writes what the pages are generated from into
// src/generated/ (git-ignored): the public part of the kernel's OpenAPI document, the problem types behind the
// problem `type` URLs (the kernel's catalogue and each shipped plugin's plugin.json `errors`), and
// the names of the shipped plugins (tag labels of the API reference).
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { writeAtomic } from '../../../test-kit/write-atomic.ts'
import { join } from 'node:path'
import { problemTypes } from '@monozu/kernel/host'
import { generatedDir, repoRoot, shippedPlugins } from './paths.ts'
import { forAudience } from './audience.ts'
import { platformModules, productModules, sitePlugins } from '../../../catalogue/modules.ts'
import type { OpenApiDocument } from './api.ts'

mkdirSync(generatedDir, { recursive: true })
// A child process, exactly as documented (`node scripts/openapi.ts <out>`): the kernel and its
// embedded database live and die there, not in the build.
// The kernel's whole document, then only its public operations: the internal and operator routes
// are the internal docs' to describe (src/generate/audience.ts), so no page here can show them.
const full = join(generatedDir, `openapi.full.${process.pid}.json`)
execFileSync(process.execPath, [join(repoRoot, 'scripts', 'openapi.ts'), full], { stdio: 'inherit' })
const doc = forAudience(JSON.parse(readFileSync(full, 'utf8')) as OpenApiDocument, 'public')
writeAtomic(join(generatedDir, 'openapi.json'), JSON.stringify(doc, null, 2) + '\n')
rmSync(full)
const manifests = shippedPlugins().map(p => p.manifest)
const problems = problemTypes(manifests)
writeAtomic(join(generatedDir, 'problems.json'), JSON.stringify(problems, null, 2) + '\n')
const plugins = manifests.map(m => ({ id: m.id, name: m.name.en, namePl: m.name.pl, description: m.description, feature: m.license?.feature ?? null }))
writeAtomic(join(generatedDir, 'plugins.json'), JSON.stringify(plugins, null, 2) + '\n')
// What the product offers (names, summaries, status from the manifests), as the website shows it,
// and the platform's own modules (Overview), which the docs list too.
const installed = sitePlugins(repoRoot)
const modules = productModules(installed)
writeAtomic(join(generatedDir, 'modules.json'), JSON.stringify(modules, null, 2) + '\n')
writeAtomic(join(generatedDir, 'platform-modules.json'), JSON.stringify(platformModules(installed), null, 2) + '\n')
console.log(`generate: ${problems.length} problem types, ${plugins.length} plugins, ${modules.length} product modules, public OpenAPI in ${generatedDir}`)
