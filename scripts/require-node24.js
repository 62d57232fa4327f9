// Plain JS on purpose: it must run (and fail clearly) even on the system Node 20.
if (!process.version.startsWith('v24.')) {
  console.error(
    `Monozu Cloud runs on Node 24 LTS, but this is ${process.version}.\n` +
    'The repo pins it through the "node" devDependency; run "npm install" (without --ignore-scripts) so node_modules/.bin/node is Node 24.'
  )
  process.exit(1)
}
