import { uiModuleConfig } from '@monozu/ui-sdk/vite'

// The shared build settings of UI modules (ui-plugins/sdk/vite.js); the id is plugin.json's.
export default uiModuleConfig({ id: 'security' })
