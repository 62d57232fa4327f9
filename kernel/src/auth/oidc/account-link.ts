import type * as oidc from 'openid-client'
import type { OidcDeps } from './flow-routes.ts'
import { SignInFailure } from './sign-in-failure.ts'

/**
 * Whether the provider vouches for the email claim. Standard providers say so with
 * `email_verified`; Entra ID never sends it and marks a domain-verified email with the optional
 * claim `xms_edov` instead (add `email` and `xms_edov` as optional ID-token claims in the app
 * registration). Anything else is a mailbox address the user could have typed in themselves.
 */
export function emailVerified (claims: oidc.IDToken): boolean {
  return claims.email_verified === true || claims.xms_edov === true
}

/**
 * Maps issuer + subject to a user. The first sign-in links an existing user by email only when
 * the email is verified (else anyone who can set their own email at the provider could take over
 * that account), or creates one when JIT is on.
 */
export async function accountFor (deps: OidcDeps, tenantId: string, provider: { issuer: string, jitProvisioning: boolean, defaultRole: 'tenant-admin' | 'member' }, claims: oidc.IDToken) {
  const email = String(claims.email ?? claims.preferred_username ?? '').trim().toLowerCase()
  const name = String(claims.name ?? email)
  const tenant = await deps.tenancy.tenantById(tenantId)
  if (!tenant || tenant.status !== 'active') throw new SignInFailure('tenant_suspended', 'the tenant is suspended')
  return deps.db.withTenant(tenantId, async trx => {
    const link = await trx('user_identities').where({ issuer: provider.issuer, subject: claims.sub }).first()
    let user = link ? await trx('users').where({ id: link.user_id }).first() : undefined
    let created = false
    if (!user) {
      if (!email.includes('@')) throw new SignInFailure('no_email', 'the ID token carries no email or preferred_username')
      user = await trx('users').where({ email }).first()
      if (user && !(typeof claims.email === 'string' && claims.email.trim().toLowerCase() === email && emailVerified(claims))) {
        throw new SignInFailure('email_unverified', `an account with this email exists, and the provider does not mark the email as verified (email_verified or xms_edov) for subject ${claims.sub}`)
      }
      if (!user) {
        if (!provider.jitProvisioning) throw new SignInFailure('no_account', `${email} has no account in this tenant`)
        const created_ = await deps.tenancy.createUser(tenantId, { email, name, roles: [provider.defaultRole] }, trx)
        user = { id: created_.id, email: created_.email, disabled: false }
        created = true
      }
      await trx('user_identities').insert({ tenant_id: tenantId, user_id: user.id, issuer: provider.issuer, subject: claims.sub, created_at: new Date() })
    }
    if (user.disabled) throw new SignInFailure('account_disabled', `${user.email} is disabled`)
    return { userId: user.id as string, email: user.email as string, created }
  })
}
