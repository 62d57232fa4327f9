// npm run generate (the prebuild and predev step): writes what the plugin reference is generated
// from into src/generated/ (git-ignored): every shipped plugin.json, and the kernel's OpenAPI
// document with all of them loaded (each plugin route is tagged with its plugin id).
import { execFileSync } from 'node:child_process'
import { mkdirSync, renameSync } from 'node:fs'
import { writeAtomic } from '../../../test-kit/write-atomic.ts'
import { join } from 'node:path'
import { generatedDir, repoRoot, shippedManifests } from './paths.ts'

mkdirSync(generatedDir, { recursive: true })
// A child process, exactly as documented (`node scripts/openapi.ts <out>`): the kernel and its
// embedded database live and die there, not in the build.
// Into a private name first: the build tests run side by side, each regenerating these files.
const temp = join(generatedDir, `openapi.${process.pid}.json`)
execFileSync(process.execPath, [join(repoRoot, 'scripts', 'openapi.ts'), temp], { stdio: 'inherit' })
renameSync(temp, join(generatedDir, 'openapi.json'))
const manifests = shippedManifests()
writeAtomic(join(generatedDir, 'plugins.json'), JSON.stringify(manifests, null, 2) + '\n')
console.log(`generate: ${manifests.length} plugins (${manifests.map(m => m.id).join(', ')}) and the OpenAPI document in ${generatedDir}`)
