// npx node scripts/openapi.ts [outFile]: writes the OpenAPI document of the kernel with every
// shipped plugin and every optional route (the operator API too, as with ADMIN_PANEL_ENABLED=true),
// for the docs sites' builds; without outFile it prints it. The kernel runs in-process on in-memory
// PGlite and never listens. It reads no environment, so the caller's DATABASE_URL, REDIS_URL or
// PLUGINS_DIRS cannot change the document, and its data-dir secrets go to a temporary folder that
// is removed afterwards.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createKernel, createLogger } from '@monozu/kernel/host'

export async function buildOpenApi (): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'monozu-openapi-'))
  try {
    const kernel = await createKernel({
      env: {},
      config: { dataDir, adminPanelEnabled: true, jobWorker: false, pluginStartFailure: 'stop' },
      logger: createLogger({ logLevel: 'silent' }),
      pglite: { memory: true },
      seedDemo: false,
      // An empty shell folder: the document must not depend on whether the UI was built.
      shellDir: join(dataDir, 'no-shell')
    })
    try {
      return kernel.app.swagger() as unknown as Record<string, unknown>
    } finally {
      await kernel.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  const out = process.argv[2]
  const json = JSON.stringify(await buildOpenApi(), null, 2) + '\n'
  if (out) {
    mkdirSync(dirname(resolve(out)), { recursive: true })
    writeFileSync(out, json)
  } else {
    process.stdout.write(json)
  }
}
