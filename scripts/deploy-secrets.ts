// node scripts/deploy-secrets.ts env|k8s: fresh secrets for a deployment (deploy/README.md).
//   env  the .env that deploy/compose.yaml reads (database password, internal tokens, license
//        webhook secret, the management license key pair, the demo password)
//   k8s  four Kubernetes Secrets (YAML on stdout, for `kubectl apply -f -`): each side's
//        environment and its data-dir keys (JWT signing key, secret-box key, runtime role password),
//        which every instance must share (kernel/README.md, "Running several instances")
// Database and Redis URLs come from DATABASE_URL, MANAGEMENT_DATABASE_URL and REDIS_URL when set;
// otherwise the in-cluster names of deploy/k8s with a password placeholder to replace.
// Nothing is written to disk: redirect the output to where the secrets belong.
import { randomBytes, randomUUID } from 'node:crypto'
import { exportJWK, generateKeyPair } from 'jose'
import { generateLicenseKeyPair } from '@monozu/licensing'

const token = (bytes: number) => randomBytes(bytes).toString('base64url')

export async function deploySecrets () {
  const license = await generateLicenseKeyPair()
  return {
    postgresPassword: token(24),
    internalTokens: token(32),
    webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
    licenseSigningKey: JSON.stringify(license.privateJwk),
    licensePublicKey: JSON.stringify(license.publicJwk),
    demoPassword: token(12)
  }
}

/** The data dir's files, in the formats the kernel reads (kernel/src/auth/keys.ts, secret-box.ts, db/dialects/postgres.ts). */
export async function dataDirKeys (): Promise<Record<string, string>> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const createdAt = new Date().toISOString()
  const jwt = { kid: `k-${createdAt.slice(0, 10)}-${randomUUID().slice(0, 8)}`, createdAt, privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) }
  return {
    '0000-initial.jwk.json': JSON.stringify(jwt, null, 2),
    'secret-box.key': randomBytes(32).toString('base64') + '\n',
    'db-runtime-password': token(24) + '\n'
  }
}

const quoteEnv = (value: string) => `'${value.replace(/'/g, '')}'`

export async function composeEnv (): Promise<string> {
  const s = await deploySecrets()
  return [
    '# deploy/.env for deploy/compose.yaml, made by node scripts/deploy-secrets.ts env. Keep it out of git.',
    `POSTGRES_PASSWORD=${quoteEnv(s.postgresPassword)}`,
    `INTERNAL_TOKENS=${quoteEnv(s.internalTokens)}`,
    `LICENSE_WEBHOOK_SECRET=${quoteEnv(s.webhookSecret)}`,
    `LICENSE_SIGNING_KEY=${quoteEnv(s.licenseSigningKey)}`,
    `LICENSE_PUBLIC_KEY=${quoteEnv(s.licensePublicKey)}`,
    `MONOZU_DEMO_PASSWORD=${quoteEnv(s.demoPassword)}`,
    ''
  ].join('\n')
}

interface SecretObject { apiVersion: 'v1', kind: 'Secret', metadata: { name: string, namespace: string, labels: Record<string, string> }, type: 'Opaque', stringData: Record<string, string> }

export async function kubernetesSecrets (namespace = 'monozu'): Promise<SecretObject[]> {
  const s = await deploySecrets()
  const env = process.env
  const secret = (name: string, component: string, stringData: Record<string, string>): SecretObject => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'monozu', 'app.kubernetes.io/component': component } }, type: 'Opaque', stringData
  })
  return [
    secret('monozu-cloud-env', 'cloud', {
      DATABASE_URL: env.DATABASE_URL ?? 'postgres://monozu:REPLACE_ME@postgres:5432/monozu',
      REDIS_URL: env.REDIS_URL ?? 'redis://redis:6379',
      INTERNAL_TOKENS: s.internalTokens,
      LICENSE_WEBHOOK_SECRET: s.webhookSecret,
      LICENSE_PUBLIC_KEY: s.licensePublicKey
    }),
    secret('monozu-cloud-keys', 'cloud', await dataDirKeys()),
    secret('monozu-management-env', 'management', {
      MANAGEMENT_DATABASE_URL: env.MANAGEMENT_DATABASE_URL ?? 'postgres://monozu:REPLACE_ME@postgres:5432/management',
      INTERNAL_TOKENS: s.internalTokens,
      LICENSE_WEBHOOK_SECRET: s.webhookSecret,
      LICENSE_SIGNING_KEY: s.licenseSigningKey
    }),
    secret('monozu-management-keys', 'management', await dataDirKeys())
  ]
}

if (import.meta.main) {
  const what = process.argv[2]
  if (what === 'env') process.stdout.write(await composeEnv())
  else if (what === 'k8s') process.stdout.write((await kubernetesSecrets(process.argv[3])).map(o => '---\n' + JSON.stringify(o, null, 2)).join('\n') + '\n')
  else {
    console.error('usage: node scripts/deploy-secrets.ts env|k8s [namespace]')
    process.exit(2)
  }
}
