// npm run generate (the prebuild and predev step): writes what the plugin reference is generated
// from into src/generated/ (git-ignored): every shipped plugin.json, and the kernel's OpenAPI
// document with all of them loaded (each plugin route is tagged with its plugin id).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatedDir, repoRoot, shippedManifests } from './paths.ts'

mkdirSync(generatedDir, { recursive: true })
// A child process, exactly as documented (`node scripts/openapi.ts <out>`): the kernel and its
// embedded database live and die there, not in the build.
execFileSync(process.execPath, [join(repoRoot, 'scripts', 'openapi.ts'), join(generatedDir, 'openapi.json')], { stdio: 'inherit' })
const manifests = shippedManifests()
writeFileSync(join(generatedDir, 'plugins.json'), JSON.stringify(manifests, null, 2) + '\n')
console.log(`generate: ${manifests.length} plugins (${manifests.map(m => m.id).join(', ')}) and the OpenAPI document in ${generatedDir}`)
