import { federation } from '@module-federation/vite'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/** The plugin id: the kernel serves this build at /ui/<id>/ (UI_BASE_URL changes the prefix). */
const id = 'cmdb'

export default defineConfig({
  // Chunks and CSS load from where the kernel serves the build.
  base: `${(process.env.MONOZU_UI_BASE ?? '/ui').replace(/\/+$/, '')}/${id}/`,
  plugins: [
    react(),
    federation({
      name: 'cmdb', // plugin.json ui.remote
      filename: 'remoteEntry.js',
      exposes: { './Module': './src/Module.tsx' },
      shared: {
        react: { singleton: true, requiredVersion: '^19.0.0' },
        'react-dom': { singleton: true, requiredVersion: '^19.0.0' },
        // Always the shell's copy (it holds the session): no fallback is bundled.
        '@monozu/ui-sdk': { singleton: true, requiredVersion: '^0.1.0', import: false }
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
})
