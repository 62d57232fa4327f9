/**
 * Every error the kernel reports, by stable code. HTTP errors become problem+json bodies;
 * start-up errors stop the process with the code in the message. Partners match on `code`,
 * so codes never change once shipped; titles may be reworded. Only the kernel's own codes live
 * here: a plugin declares its codes under `errors` in its plugin.json (see ApiError.for).
 */
export const httpErrors = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  bad_request: { status: 400, title: 'Bad request' },
  tenant_required: { status: 400, title: 'Several tenants match; name the tenant' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_token: { status: 401, title: 'The access token is not valid' },
  token_expired: { status: 401, title: 'The access token has expired' },
  invalid_credentials: { status: 401, title: 'Email or password is wrong' },
  refresh_token_invalid: { status: 401, title: 'The session is missing, expired or revoked' },
  refresh_token_reused: { status: 401, title: 'The session token was used twice; the session is revoked' },
  refresh_conflict: { status: 401, title: 'Another request refreshed this session at the same moment' },
  invalid_signature: { status: 401, title: 'The request signature is missing or wrong' },
  oidc_failed: { status: 401, title: 'Sign-in with the identity provider failed' },
  tenant_suspended: { status: 403, title: 'The tenant is suspended' },
  account_disabled: { status: 403, title: 'The account is disabled' },
  forbidden: { status: 403, title: 'You lack the permission for this' },
  origin_not_allowed: { status: 403, title: 'The request does not come from an allowed origin' },
  feature_disabled: { status: 403, title: 'This module is not enabled for the tenant' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  invalid_state: { status: 409, title: 'The resource is not in a state that allows this' },
  not_licensed: { status: 409, title: 'The tenant\'s license does not include this feature' },
  license_invalid: { status: 422, title: 'The license is not valid' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' }
} as const

export type HttpErrorCode = keyof typeof httpErrors

export const startupErrors = {
  config_invalid: 'The configuration is not valid',
  manifest_unreadable: 'A plugin manifest cannot be read',
  manifest_invalid: 'A plugin manifest breaks plugin.schema.json',
  plugin_duplicate: 'Two plugins share one id',
  kernel_incompatible: 'A plugin does not support this kernel version',
  dependency_missing: 'A plugin depends on a plugin that is not installed',
  dependency_version: 'A plugin depends on a version of a plugin that is not installed',
  dependency_cycle: 'Plugin dependencies form a cycle',
  service_undeclared: 'A plugin asked for a service its plugin.json does not declare',
  service_missing: 'A plugin needs a service its dependency does not provide',
  service_version: 'A plugin needs a version of a service that is not provided',
  service_invalid: 'A plugin provided a service it may not provide',
  prefix_overlap: 'Two plugins claim overlapping route prefixes',
  entry_invalid: 'A plugin entry does not default-export definePlugin(...)',
  route_outside_prefix: 'A plugin registered a route outside its declared prefixes',
  route_permission: 'A plugin route names no declared permission',
  plugin_start_failed: 'A plugin threw while starting',
  plugin_unsigned: 'A third-party plugin is not signed',
  plugin_untrusted: 'A third-party plugin is signed by a key that is not trusted',
  plugin_tampered: 'A third-party plugin\'s files do not match its signature',
  migration_failed: 'A migration failed',
  rls_missing: 'A tenant table lacks forced row-level security',
  db_role_unsafe: 'The runtime database role can bypass row-level security',
  database_locked: 'The embedded database is in use by another process',
  events_unhandled: 'A plugin did not register an event handler its plugin.json subscribes',
  events_unsupported: 'Domain events are not available on this database'
} as const

export type StartupErrorCode = keyof typeof startupErrors
