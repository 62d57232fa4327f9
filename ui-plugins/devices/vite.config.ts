import { uiModuleConfig } from '@monozu/ui-sdk/vite'

// The shared build settings of UI modules (ui-plugins/sdk/vite.js); the id is plugin.json's.
// widgets: the home page's summary cards (plugin.json ui.widgets "./Widgets").
export default uiModuleConfig({ id: 'devices', widgets: './src/Widgets.tsx' })
