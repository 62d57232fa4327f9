import { uiModuleConfig } from '@monozu/ui-sdk/vite'

// The shared build settings of UI modules (ui-plugins/sdk/vite.js). The console has no plugin.json:
// its id and container name are the ones the kernel announces (kernel/src/admin/console.ts).
export default uiModuleConfig({ id: 'admin' })
