import { uiModuleConfig } from '@monozu/ui-sdk/vite'

// id: your plugin's id (plugin.json `id`); remote: your container name (plugin.json `ui.remote`,
// letters, digits and _ only). The SDK keeps the settings the shell needs (ui-plugins/sdk/vite.js).
export default uiModuleConfig({ id: 'template', remote: 'template' })
