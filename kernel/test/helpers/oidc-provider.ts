import { createServer, type Server } from 'node:http'
import Provider from 'oidc-provider'

export interface StandIn {
  issuer: string
  /** The claims each account gets in its ID token (Entra puts `tid` there). */
  accounts: Record<string, Record<string, unknown>>
  close (): Promise<void>
}

/** A real OpenID Provider (oidc-provider) on 127.0.0.1, standing in for Microsoft Entra ID. */
export interface StandInClient { clientId: string, clientSecret: string, redirectUri: string }

/**
 * `others`: more registered apps (an attacker's app in the same provider); `shortCodes`: accounts
 * whose authorization codes live 1 second (the default is 60), to test an expired code.
 */
export async function startOidcProvider (client: StandInClient, options: { others?: StandInClient[], shortCodes?: string[] } = {}): Promise<StandIn> {
  const server: Server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  const accounts: StandIn['accounts'] = {}
  const provider = new Provider(issuer, {
    clients: [client, ...(options.others ?? [])].map(c => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [c.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post'
    })),
    ttl: {
      AuthorizationCode: (_ctx: unknown, code: { accountId?: string }) => options.shortCodes?.includes(code.accountId ?? '') ? 1 : 60
    },
    async findAccount (_ctx, sub) {
      const claims = accounts[sub]
      return claims ? { accountId: sub, async claims () { return { sub, ...claims } } } : undefined
    },
    // tid and xms_edov as Entra ID puts them in its ID tokens (xms_edov as an optional claim).
    claims: { openid: ['sub', 'tid', 'xms_edov'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['stand-in-cookie-key'] }
  })
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('oidc-provider server_error', err))
  server.on('request', provider.callback())
  return { issuer, accounts, close: () => new Promise(resolve => server.close(() => resolve())) }
}

/** A browser's cookie jar for one host, enough to walk the provider's login and consent pages. */
export class Jar {
  readonly cookies = new Map<string, string>()
  store (res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = (pair as string).split('=')
      this.cookies.set((name as string).trim(), value.join('='))
    }
  }
  header (): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/**
 * Follows the provider's redirects from the authorization URL, signs in as `account` on the
 * dev login form and confirms consent, until the provider redirects back to the client.
 * Returns that final redirect URL (the client's callback with code and state).
 */
export async function signInAtProvider (authorizationUrl: string, account: string, redirectUri: string): Promise<URL> {
  const jar = new Jar()
  let url = authorizationUrl
  let method = 'GET'
  let body: string | undefined
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, { method, redirect: 'manual', headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, ...(body ? { body } : {}) })
    jar.store(res)
    const location = res.headers.get('location')
    if (location) {
      const next = new URL(location, url)
      if (next.href.startsWith(redirectUri)) return next
      url = next.href
      method = 'GET'
      body = undefined
      continue
    }
    const html = await res.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1]
    if (!action || !prompt) throw new Error(`unexpected page from the provider (${res.status}): ${html.slice(0, 300)}`)
    url = new URL(action, url).href
    method = 'POST'
    body = new URLSearchParams(prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt }).toString()
  }
  throw new Error('too many redirects at the provider')
}
