import { readFileSync } from 'node:fs'
import { federation } from '@module-federation/vite'
import react from '@vitejs/plugin-react'

// The build settings of a UI module: what the shell needs to load it. Every module uses this one
// definition, so a change to the contract with the shell is made here once. Plain JavaScript
// (types in vite.d.ts): Node loads a Vite config's imports itself, and it strips no types in
// node_modules, where a partner's copy of the SDK lives.

/** This SDK's version: modules require ^it, and the shell provides it. */
export const sdkVersion = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).version

/** The Vite config of a UI module (see vite.d.ts for the options). */
export function uiModuleConfig ({ id, remote = id, widgets }) {
  // The pattern of plugin.json ui.remote (plugin.schema.json): the shell loads the container by it.
  if (!/^[A-Za-z_]\w*$/.test(remote)) throw new Error(`uiModuleConfig: remote "${remote}" must be letters, digits and _, not starting with a digit (plugin.json ui.remote), e.g. "${remote.replace(/\W/g, '_').replace(/^(\d)/, '_$1')}"`)
  return {
    // Chunks and CSS load from where the kernel serves the build (UI_BASE_URL changes the prefix).
    base: `${(process.env.MONOZU_UI_BASE ?? '/ui').replace(/\/+$/, '')}/${id}/`,
    plugins: [
      react(),
      federation({
        name: remote,
        filename: 'remoteEntry.js',
        // ./Widgets only when the module has home-page widgets (plugin.json ui.widgets names it).
        exposes: { './Module': './src/Module.tsx', ...(widgets ? { './Widgets': widgets } : {}) },
        shared: {
          react: { singleton: true, requiredVersion: '^19.0.0' },
          'react-dom': { singleton: true, requiredVersion: '^19.0.0' },
          // Always the shell's copy (it holds the session): no fallback is bundled. The range is
          // the SDK this module was built with, so a shell with an older SDK is named in a warning.
          '@monozu/ui-sdk': { singleton: true, requiredVersion: `^${sdkVersion}`, import: false },
          // The module-facing part: also the shell's one copy, fetched when the first module asks.
          '@monozu/ui-sdk/components': { singleton: true, requiredVersion: `^${sdkVersion}`, import: false }
        },
        dts: false,
        disableSnapshot: true,
        // Use the shell's federation runtime instead of bundling a second one.
        experiments: { externalRuntime: true }
      })
    ],
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: true,
      // No page of its own: remoteEntry.js (added by the federation plugin) is the only entry.
      rolldownOptions: { input: {} }
    }
  }
}
