// deploy/: what can be checked without a Docker engine or a cluster (deploy/README.md says what
// is not): the compose file against the compose-spec JSON schema, the Kubernetes manifests as
// kustomize renders them (against the Kubernetes schemas when `kubernetes-models` is installed)
// and by their wiring (probes, secrets, selectors), the Dockerfiles (with `dockerfile-utils` when
// installed) and by what they copy and run, the per-service pipelines, and that the production
// install (`npm ci --omit=dev`) holds every package the server imports.
import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, globSync, readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { Ajv } from 'ajv'
import { parse, parseAllDocuments } from 'yaml'
import { composeEnv, kubernetesSecrets } from '../deploy-secrets.ts'

const root = resolve(import.meta.dirname, '..', '..')
const deploy = join(root, 'deploy')
const read = (path: string) => readFileSync(join(root, path), 'utf8')
type Obj = Record<string, any>
const PROFILES = ['all', 'cloud', 'ingest', 'management']

/** An optional checker package: its module, or a visible skip reason until the lead installs it. */
async function optional (name: string): Promise<Obj | string> {
  try { return await import(name) } catch { return `${name.split('/')[0]} is not installed (wanted in /work/notes/contracts.md): this check did not run` }
}

t.test('compose.yaml', async t => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as Obj
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  const validate = ajv.compile(JSON.parse(read('deploy/schemas/compose-spec.json')))
  t.ok(validate(compose), 'valid against the compose-spec JSON schema', { errors: validate.errors })

  const services = compose.services as Record<string, Obj>
  t.same(Object.keys(services).sort(), ['cloud-1', 'cloud-2', 'ingest', 'management', 'migrate', 'postgres', 'redis'])
  const profile = (s: Obj) => (s.command as string[])[(s.command as string[]).indexOf('--profile') + 1]
  t.same(['cloud-1', 'cloud-2', 'ingest', 'management'].map(n => profile(services[n]!)), ['cloud', 'cloud', 'ingest', 'management'], 'each instance runs its profile')
  t.same(services.migrate!.command, ['migrate'])
  for (const name of ['cloud-1', 'cloud-2', 'ingest']) {
    const env = services[name]!.environment as Obj
    t.match(env.DATABASE_URL, /@postgres:5432\/monozu$/, `${name}: the shared database`)
    t.equal(env.REDIS_URL, 'redis://redis:6379', `${name}: the shared bus`)
    t.ok(services[name]!.volumes.includes('cloud-data:/var/lib/monozu'), `${name}: the shared data dir (same keys)`)
    t.same(services[name]!.depends_on.migrate, { condition: 'service_completed_successfully' }, `${name}: starts after the migration`)
    t.match(services[name]!.healthcheck.test.join(' '), /127\.0\.0\.1:8000\/api\/v1\/health/)
  }
  t.equal(services.ingest!.environment.JOB_WORKER, 'false')
  t.match(services.management!.environment.MANAGEMENT_DATABASE_URL, /\/management$/, 'management has its own database')
  t.match(read('deploy/compose/initdb.sql'), /create database management;/)
  const published = Object.values(services).flatMap(s => (s.ports ?? []) as string[]).map(p => p.split(':').slice(0, -1).join(':'))
  t.equal(new Set(published).size, published.length, `no host port twice (${published.join(', ')})`)
  for (const s of Object.values(services)) if (s.build) t.ok(existsSync(join(deploy, s.build.context, s.build.dockerfile)), `${s.build.dockerfile} exists`)

  // Every ${VAR:?...} the file insists on is in the .env that scripts/deploy-secrets.ts writes.
  const required = new Set([...read('deploy/compose.yaml').matchAll(/\$\{([A-Z_]+):\?/g)].map(m => m[1]!))
  const env = new Set((await composeEnv()).split('\n').filter(l => /^[A-Z_]+=/.test(l)).map(l => l.split('=')[0]))
  t.same([...required].filter(v => !env.has(v)), [], `deploy-secrets env gives ${[...required].join(', ')}`)
})

/** The manifests as `kubectl apply -k` would send them: kustomize's render when kubectl is here. */
function renderKustomize (t: Test): Obj[] {
  const kubectl = spawnSync('kubectl', ['kustomize', join(deploy, 'k8s')], { encoding: 'utf8' })
  if (kubectl.status === 0) return parseAllDocuments(kubectl.stdout).map(d => d.toJS() as Obj)
  t.comment(`kubectl kustomize did not run (${kubectl.error?.message ?? kubectl.stderr.trim()}): reading the resources listed in kustomization.yaml instead`)
  const kustomization = parse(read('deploy/k8s/kustomization.yaml')) as Obj
  return (kustomization.resources as string[]).flatMap(file => parseAllDocuments(read(`deploy/k8s/${file}`)).map(d => ({ ...d.toJS() as Obj, metadata: { namespace: kustomization.namespace, ...d.toJS().metadata } })))
}

/** kubernetes-models' validate(): the schema checks generated from the Kubernetes OpenAPI document. */
async function schemaCheck (t: Test, objects: Obj[], what: string): Promise<void> {
  const models = new Map<string, Obj | string>()
  const skipped = new Set<string>()
  for (const o of objects) {
    const group = o.apiVersion === 'v1' ? 'v1' : o.apiVersion
    if (!models.has(group)) models.set(group, await optional(`kubernetes-models/${group}`))
    const mod = models.get(group)!
    if (typeof mod === 'string') { skipped.add(mod); continue }
    const Model = mod[o.kind]
    if (!Model) { t.fail(`kubernetes-models/${group} has no ${o.kind}`); continue }
    t.doesNotThrow(() => new Model(o).validate(), `${what} ${o.kind}/${o.metadata.name}: valid against the Kubernetes schema`)
  }
  if (skipped.size) t.ok(true, `${what}s against the Kubernetes schemas`, { skip: [...skipped].join('; ') })
}

t.test('Kubernetes manifests', async t => {
  const objects = renderKustomize(t)
  const byKind = (kind: string) => objects.filter(o => o.kind === kind)
  t.same([...new Set(objects.map(o => o.kind))].sort(), ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'Namespace', 'PodDisruptionBudget', 'Service'])
  t.ok(objects.every(o => o.kind === 'Namespace' || o.metadata.namespace === 'monozu'), 'everything in namespace monozu')
  await schemaCheck(t, objects, 'manifest')

  const secrets = await kubernetesSecrets()
  const example = parseAllDocuments(read('deploy/k8s/secrets.example.yaml')).map(d => d.toJS() as Obj)
  await schemaCheck(t, [...secrets, ...example] as Obj[], 'secret')
  t.same(example.map(s => [s.metadata.name, Object.keys(s.stringData).sort()]), secrets.map(s => [s.metadata.name, Object.keys(s.stringData).sort()]), 'secrets.example.yaml has the shape deploy-secrets k8s makes')
  const secretKeys = new Map(secrets.map(s => [s.metadata.name, Object.keys(s.stringData)]))
  const configMaps = new Set(byKind('ConfigMap').map(c => c.metadata.name))

  const pods = [...byKind('Deployment'), ...byKind('Job')]
  for (const w of pods) {
    const name = `${w.kind}/${w.metadata.name}`
    const spec = w.spec.template.spec as Obj
    const containers = [...(spec.initContainers ?? []), ...spec.containers] as Obj[]
    t.ok(spec.securityContext.runAsNonRoot, `${name}: runs as non-root`)
    for (const c of containers) {
      t.match(c.image, /^monozu\/(cloud|ingest|management):/, `${name}/${c.name}: one of our images, tagged`)
      t.equal(c.securityContext?.allowPrivilegeEscalation, false, `${name}/${c.name}: no privilege escalation`)
      for (const from of c.envFrom ?? []) {
        if (from.secretRef) t.ok(secretKeys.has(from.secretRef.name), `${name}: Secret ${from.secretRef.name} is made by deploy-secrets`)
        if (from.configMapRef) t.ok(configMaps.has(from.configMapRef.name), `${name}: ConfigMap ${from.configMapRef.name} exists`)
      }
      const mounted = new Set((c.volumeMounts ?? []).map((m: Obj) => m.name))
      t.ok([...mounted].every(v => (spec.volumes as Obj[]).some(vol => vol.name === v)), `${name}/${c.name}: every mount has a volume`)
    }
    const keys = (spec.volumes as Obj[]).find(v => v.secret)!.secret
    t.ok(secretKeys.has(keys.secretName), `${name}: key Secret ${keys.secretName} is made by deploy-secrets`)
    // The init container copies exactly the files the kernel reads from the data dir.
    const copy = spec.initContainers[0].command.join(' ') as string
    for (const file of secretKeys.get(keys.secretName) ?? []) t.ok(copy.includes(`/keys/${file}`), `${name}: init copies ${file}`)
  }

  for (const d of byKind('Deployment')) {
    const name = d.metadata.name as string
    const main = d.spec.template.spec.containers[0] as Obj
    const profile = main.args[main.args.indexOf('--profile') + 1]
    t.equal(profile, name.replace('monozu-', ''), `${name}: start --profile ${profile}`)
    t.ok(PROFILES.includes(profile))
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      t.equal(main[probe]?.httpGet?.path, '/api/v1/health', `${name}: ${probe} on /api/v1/health`)
      t.ok(main.ports.some((p: Obj) => p.name === main[probe].httpGet.port), `${name}: ${probe} names a declared port`)
    }
    const selector = d.spec.selector.matchLabels as Obj
    t.match(d.spec.template.metadata.labels, selector, `${name}: the pods carry the selector's labels`)
    const service = byKind('Service').find(s => s.metadata.name === name)
    t.ok(service, `${name}: has a Service`)
    t.match(d.spec.template.metadata.labels, service?.spec.selector, `${name}: the Service selects its pods`)
  }
  t.equal(byKind('Deployment').find(d => d.metadata.name === 'monozu-ingest')!.spec.template.spec.containers[0].env.find((e: Obj) => e.name === 'JOB_WORKER').value, 'false')
  t.same(byKind('Job')[0]!.spec.template.spec.containers[0].args, ['migrate'], 'the migration Job runs monozu migrate')

  const deployments = new Map(byKind('Deployment').map(d => [d.metadata.name, d]))
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    t.ok(deployments.has(hpa.spec.scaleTargetRef.name), `HPA ${hpa.metadata.name} scales an existing Deployment`)
    t.ok(hpa.spec.minReplicas >= 2, `HPA ${hpa.metadata.name}: at least two instances`)
  }
  for (const pdb of byKind('PodDisruptionBudget')) {
    const target = [...deployments.values()].find(d => Object.entries(pdb.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v))
    t.ok(target, `PDB ${pdb.metadata.name} selects the pods of a Deployment`)
  }
})

const dockerfiles = readdirSync(join(deploy, 'docker')).filter(f => f.endsWith('.Dockerfile'))

t.test('Dockerfiles', async t => {
  t.same(dockerfiles.sort(), ['cloud.Dockerfile', 'ingest.Dockerfile', 'management.Dockerfile', 'shell.Dockerfile', 'sites.Dockerfile'])
  const utils = await optional('dockerfile-utils')
  const ignores = dockerfiles.map(f => read(`deploy/docker/${f}.dockerignore`))
  t.ok(ignores.every(i => i === ignores[0]), 'one .dockerignore content for every image')
  t.match(ignores[0], /\*\*\/node_modules/)
  for (const file of dockerfiles) {
    const text = read(`deploy/docker/${file}`)
    if (typeof utils === 'string') t.ok(true, `${file}: dockerfile-utils lint`, { skip: utils })
    else {
      const diagnostics = utils.validate(text) as Array<{ severity: number, message: string, range: { start: { line: number } } }>
      for (const d of diagnostics.filter(d => d.severity !== 1)) t.comment(`${file}:${d.range.start.line + 1} warning: ${d.message}`)
      t.same(diagnostics.filter(d => d.severity === 1).map(d => `${d.range.start.line + 1}: ${d.message}`), [], `${file}: no dockerfile-utils errors`)
    }
    // The checks below read the instructions themselves (continuation lines joined).
    const lines = text.replace(/\\\n/g, ' ').split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'))
    const stages = lines.filter(l => /^FROM /i.test(l)).map(l => / AS (\S+)/i.exec(l)?.[1])
    t.ok(stages.length >= 2, `${file}: multi-stage (${stages.join(' -> ')})`)
    for (const l of lines.filter(l => /^COPY /.test(l))) {
      const from = /--from=(\S+)/.exec(l)?.[1]
      const parts = l.split(/\s+/).filter(p => !p.startsWith('--')).slice(1, -1)
      if (from) t.ok(stages.includes(from), `${file}: COPY --from=${from} names an earlier stage`)
      else for (const src of parts) if (src !== '.') t.ok(existsSync(join(root, src)), `${file}: COPY ${src} exists in the repo`)
    }
    const runtime = lines.slice(lines.findLastIndex(l => /^FROM /.test(l)))
    if (/^(cloud|ingest|management)\./.test(file)) {
      const profile = file.split('.')[0]!
      t.ok(runtime.includes('USER node'), `${file}: runs as user node`)
      t.ok(runtime.includes('ENTRYPOINT ["node", "kernel/src/cli.ts"]') && existsSync(join(root, 'kernel/src/cli.ts')), `${file}: runs the CLI`)
      t.ok(runtime.includes(`CMD ["start", "--profile", "${profile}"]`), `${file}: start --profile ${profile}`)
      t.ok(runtime.includes(`EXPOSE ${profile === 'management' ? 8080 : 8000}`), `${file}: exposes its port`)
      t.ok(runtime.some(l => l.includes('/api/v1/health')), `${file}: HEALTHCHECK on /api/v1/health`)
      t.ok(runtime.some(l => l.startsWith('ENV ') && l.includes('HOST=0.0.0.0') && l.includes('NODE_ENV=production')), `${file}: production, reachable outside the container`)
    } else {
      t.match(lines.find(l => l.startsWith('ARG NGINX_IMAGE=')), /nginx-unprivileged/, `${file}: static files on unprivileged nginx`)
      t.match(runtime[0], /^FROM \$\{NGINX_IMAGE\}/, `${file}: the last stage is nginx`)
    }
  }
})

t.test('one pipeline per service, at its root', async t => {
  const services = ['kernel', 'edge-ingest', 'plugins/management', 'ui-shell', 'sites/website', 'sites/docs', 'sites/internal-docs', 'sites/contact-api']
  const template = parse(read('deploy/pipelines/service.yml')) as Obj
  const declared = new Map((template.parameters as Obj[]).map(p => [p.name, p]))
  for (const dir of services) {
    const file = `${dir}/azure-pipelines.yml`
    t.ok(existsSync(join(root, file)), `${file} exists`)
    if (!existsSync(join(root, file))) continue
    const pipeline = parse(read(file)) as Obj
    const paths = pipeline.trigger.paths.include as string[]
    t.ok(paths.some(p => dir === p || dir.startsWith(p + '/')), `${file}: triggered by its own folder`)
    for (const p of paths) t.ok(globSync(p, { cwd: root }).length > 0, `${file}: trigger path ${p} exists`)
    t.same(pipeline.pr.paths.include, paths, `${file}: pull requests run on the same paths`)
    if (!pipeline.extends) continue // contact-api deploys a worker with wrangler, no image
    t.equal(resolve(root, dir, pipeline.extends.template), join(deploy, 'pipelines/service.yml'), `${file}: extends the shared template`)
    const given = pipeline.extends.parameters as Obj
    t.same(Object.keys(given).filter(k => !declared.has(k)), [], `${file}: no unknown parameter`)
    t.same([...declared.values()].filter(p => !('default' in p) && !(p.name in given)).map(p => p.name), [], `${file}: every required parameter`)
    t.ok(existsSync(join(root, given.dockerfile)), `${file}: ${given.dockerfile} exists`)
    for (const glob of given.tests as string[]) t.ok(globSync(glob, { cwd: root }).length > 0, `${file}: tests ${glob} match files`)
  }
})

t.test('the production install holds every package the server imports', async t => {
  // The images install with --omit=dev: a server import of a devDependency would crash there.
  const workspaces = (JSON.parse(read('package.json')).workspaces as string[]).flatMap(w => globSync(w, { cwd: root })).filter(d => existsSync(join(root, d, 'package.json')))
  const manifests = workspaces.map(d => JSON.parse(read(`${d}/package.json`)) as Obj)
  const production = new Set([...manifests.map(m => m.name as string), ...manifests.flatMap(m => Object.keys(m.dependencies ?? {})), ...builtinModules])
  const sources = ['kernel/src', 'edge-ingest/src', 'packages/*/src', 'plugins/*/src']
    .flatMap(d => globSync(`${d}/**/*.ts`, { cwd: root }))
    .filter(f => !f.startsWith('kernel/src/testing/')) // the test kit: imported by tests only
  const missing = new Set<string>()
  for (const file of sources) {
    for (const m of read(file).matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'"`;]*?\sfrom\s*)?['"]([^'"\n./][^'"\n]*)['"]/gm)) {
      const spec = m[1]!.replace(/^node:/, '')
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!
      if (!production.has(pkg) && !production.has(spec)) missing.add(`${pkg} (${relative(root, join(root, file))})`)
    }
  }
  t.same([...missing], [], `${sources.length} server files import only production dependencies`)
  t.ok(dirname(sources[0] ?? '') !== '.', 'found the server sources')
})
