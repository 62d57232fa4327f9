// After tsc: dist/ becomes the folder the platform loads (PLUGINS_DIRS=<this>/dist): the compiled
// code and migrations, and plugin.json naming the compiled entry. Node strips no TypeScript under
// node_modules, so a plugin installed there must be JavaScript.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'

const manifest = JSON.parse(readFileSync('plugin.json', 'utf8'))
writeFileSync('dist/plugin.json', `${JSON.stringify({ ...manifest, entry: 'src/index.js' }, null, 2)}\n`)
copyFileSync('package.json', 'dist/package.json')
console.log('dist/ is the plugin folder: PLUGINS_DIRS=' + new URL('../dist', import.meta.url).pathname)
