// Generated from plugin.schema.json by scripts/gen-manifest-type.ts: do not edit.
// Change the schema, then run `npm run gen:manifest`; a test fails while this file is stale.

export interface PluginManifest {
  $schema?: string
  /**
   * Stable plugin id; also the default route prefix /api/v1/<id>.
   */
  id: string
  name: LocalText
  /**
   * Semantic version of the plugin.
   */
  version: string
  description: string
  summary?: ModuleSummary
  /**
   * Semver range of kernel API versions the plugin works with, e.g. ^1.0.0.
   */
  kernel: string
  /**
   * Backend entry module relative to the plugin folder (default src/index.ts).
   */
  entry?: string
  /**
   * A third-party plugin that throws while starting is disabled instead of stopping the boot.
   */
  thirdParty?: boolean
  dependencies?: {
    [k: string]: string
  }
  /**
   * Services of other plugins this plugin uses (ctx.service(ref)): service id (<pluginId> or <pluginId>.<name>) to a semver range of the service's version. The providing plugin must be in dependencies.
   */
  services?: {
    [k: string]: string
  }
  /**
   * The `monozu start --profile` deployments that run this plugin, besides `all` (default ["cloud"]; `all` never runs a plugin whose only profile is `management`); a profile also runs the plugins it depends on.
   *
   * @minItems 1
   */
  profiles?: ('cloud' | 'ingest' | 'management')[]
  license?: {
    feature?: string
  }
  permissions?: {
    id: string
    description: string
  }[]
  /**
   * Roles a tenant admin can give users on top of their base role (tenant-admin or member): each grants some of the plugin's own permissions, e.g. itsm-agent. Ids start with the plugin id and a dash.
   */
  roles?: {
    id: string
    name: {
      en: string
      pl: string
    }
    description: string
    /**
     * @minItems 1
     */
    permissions: string[]
  }[]
  routes?: {
    /**
     * @minItems 1
     */
    prefixes?: string[]
  }
  channels?: {
    id: string
    permission: string
    description?: string
  }[]
  jobs?: {
    name: string
    /**
     * Cron expression
     */
    schedule?: string
    scope?: 'tenant' | 'platform'
    description?: string
  }[]
  ingest?: {
    kind: string
    description?: string
    /**
     * JSON Schema (2020-12) of one event's own fields: the envelope fields kind, id and ts are removed before validation
     */
    schema?: {
      [k: string]: unknown
    }
  }[]
  /**
   * Durable domain events: the types this plugin publishes (ctx.events.publish) and the published types it handles.
   */
  events?: {
    publishes?: {
      /**
       * <pluginId>.<name>; the prefix is this plugin's id.
       */
      type: string
      description: string
      /**
       * JSON Schema (2020-12) of the payload; publish validates every payload against it.
       */
      schema: {
        [k: string]: unknown
      }
    }[]
    subscribes?: {
      type: string
      /**
       * The name the plugin registers with ctx.events.handle(name, fn).
       */
      handler: string
      /**
       * Attempts before the event is dead-lettered for this handler (default 10).
       */
      maxAttempts?: number
    }[]
  }
  /**
   * The plugin sends mail to addresses that are not users of the tenant with ctx.mail.send (kernel API 1.6); operators see which plugins do. Users are reached with ctx.notify.
   */
  mail?: boolean
  /**
   * Notification types this plugin sends with ctx.notify; each user chooses per type which channels reach them.
   */
  notifications?: {
    /**
     * <pluginId>.<name>
     */
    type: string
    label: LocalText
    /**
     * Channels on until the user chooses (default inApp and email).
     */
    defaultChannels?: ('inApp' | 'email')[]
  }[]
  ui?: {
    remote: string
    exposes: string
    /**
     * The expose holding the module's home-page summary widgets (default export of defineWidgets from @monozu/ui-sdk), e.g. ./Widgets
     */
    widgets?: string
    nav?: {
      path: string
      label: LocalText
      icon?: string
    }[]
  }
  /**
   * JSON Schema of the plugin's own configuration.
   */
  config?: {
    [k: string]: unknown
  }
  /**
   * The plugin's own problem codes, in the kernel catalogue's shape. Codes are global: one may not repeat a kernel code or another plugin's.
   */
  errors?: {
    [k: string]: ProblemType
  }
}
export interface LocalText {
  en: string
  pl: string
}
/**
 * One customer-facing sentence per language, shown wherever the product lists the module (website, pricing, docs). Without it the English pages fall back to description and the Polish pages show no sentence.
 */
export interface ModuleSummary {
  en: string
  pl: string
}
export interface ProblemType {
  /**
   * The HTTP status the code is answered with.
   */
  status: number
  /**
   * Short English summary; it may be reworded, the code never changes.
   */
  title: string
}
