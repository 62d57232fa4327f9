import semver from 'semver'

const marker = Symbol.for('monozu.serviceRef')
declare const carries: unique symbol

/**
 * A typed, versioned handle on a service one plugin provides to others. The provider exports
 * it from its own package (`@monozu/plugin-devices/service`), registers its implementation with
 * `ctx.provide(ref, impl)`, and consumers get that implementation, typed, with `ctx.service(ref)`.
 * Opaque on purpose: the id and version are all the kernel needs, the type is all the consumer needs.
 */
export interface ServiceRef<T> {
  /** `<providerPluginId>` or `<providerPluginId>.<name>`: the kernel finds the provider from it. */
  readonly id: string
  /** Semantic version of the service contract; consumers declare a range in plugin.json `services`. */
  readonly version: string
  /** Only for the type checker; never present at run time. */
  readonly [carries]?: T
}

const ID = /^[a-z][a-z0-9-]{1,31}(\.[a-z][a-z0-9-]{0,63})?$/

/** Makes a service reference; fails fast on an id the loader could not map to a plugin or a non-semver version. */
export function defineServiceRef<T> (options: { id: string, version: string }): ServiceRef<T> {
  if (!ID.test(options?.id ?? '')) throw new TypeError(`defineServiceRef: id "${options?.id}" must be <pluginId> or <pluginId>.<name> (lower case)`)
  if (!semver.valid(options.version)) throw new TypeError(`defineServiceRef: version "${options.version}" of "${options.id}" is not a semantic version`)
  return Object.freeze({ id: options.id, version: options.version, [marker]: true, toString: () => `service ${options.id}@${options.version}` }) as ServiceRef<T>
}

export function isServiceRef (value: unknown): value is ServiceRef<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true
}

/** The plugin that provides a service: the part of its id before the first dot. */
export const providerOf = (serviceId: string): string => serviceId.split('.')[0] as string
