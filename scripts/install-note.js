// Plain JS on purpose: `npm install` runs it (preinstall) on whatever Node runs npm.
// .npmrc sets loglevel=error because npm on the system Node 20 prints ~40 lines of EBADENGINE
// warnings (Node 24 packages), though the install is fine: the "node" devDependency brings
// Node 24 and every npm script runs on it. This says so in one line.

// npm runs the root's scripts after the packages are in place, so this may already run on the
// Node 24 just installed: npm's own Node is the one in its user agent.
const npmNode = /\bnode\/(v[\d.]+)/.exec(process.env.npm_config_user_agent ?? '')?.[1] ?? process.version

if (!npmNode.startsWith('v24.') && process.env.npm_config_loglevel !== 'silent') {
  console.log(`monozu: npm runs on Node ${npmNode}; this install adds Node 24 (the "node" devDependency), which every npm script uses. npm's engine warnings are hidden (.npmrc loglevel=error).`)
}
