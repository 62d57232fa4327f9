import type { ModuleId } from '../data/modules.ts'
import type { PlanId } from '../data/pricing.ts'

/** Error codes of the contact API (sites/contact-api), each with its own message. */
export const contactErrorCodes = [
  'invalid_input', 'invalid_json', 'captcha_failed', 'origin_not_allowed', 'method_not_allowed',
  'too_large', 'unsupported_media_type', 'rate_limited', 'mail_failed', 'captcha_unavailable'
] as const
export type ContactErrorCode = typeof contactErrorCodes[number]
/** Rules the API (and the page, before sending) reports per field. */
export type FieldRule = 'required' | 'format' | 'too_short' | 'too_long' | 'invalid'

export interface Item { title: string, body: string }
/** A paragraph (string) or a bulleted list (string[]). */
export type Block = string | string[]

export interface ModuleCopy {
  /** One line for cards and the footer. */
  tagline: string
  metaDescription: string
  title: string
  lead: string
  highlights: Item[]
  useCases: Item[]
  /** What each plan adds, for the pricing page. */
  plans: Record<PlanId, string[]>
}

/** A legal page of headed sections. */
export interface LegalPage {
  title: string
  metaDescription: string
  heading: string
  updated: string
  intro: string
  sections: Array<{ heading: string, blocks: Block[] }>
}

export interface Dictionary {
  meta: {
    /** BCP 47 tag for <html lang> and hreflang. */
    lang: string
    intlLocale: string
    ogLocale: string
    currency: 'PLN' | 'EUR'
    /** The language's own name, shown on the switch that leads to it. */
    languageName: string
    siteDescription: string
  }
  a11y: {
    skipLink: string
    openMenu: string
    closeMenu: string
    mainNav: string
    footerNav: string
    switchLanguage: string
    homeLink: string
  }
  nav: { products: string, pricing: string, contact: string, cta: string, signIn: string, docs: string }
  footer: {
    tagline: string
    products: string
    company: string
    legal: string
    privacy: string
    terms: string
    imprint: string
    rights: string
    madeIn: string
  }
  home: {
    title: string
    metaDescription: string
    /**
     * `lead` holds `{modules}` (the available modules' names, from the catalogue) and `{coming}`
     * (`comingClause` with the modules not built yet in its own `{modules}`, or nothing), so the
     * lead never says a module exists before its plugin does, nor that it is coming after.
     */
    hero: { eyebrow: string, title: string, lead: string, comingClause: string, primaryCta: string, secondaryCta: string, image: string, imageAlt: string }
    pillars: { title: string, items: Item[] }
    modules: { title: string, lead: string, more: string }
    steps: { title: string, lead: string, items: Item[] }
    platform: { title: string, lead: string, items: Item[] }
    cta: { title: string, body: string, button: string }
  }
  modulePage: {
    /** "{module}" is replaced by the module's name. */
    eyebrow: string
    highlightsTitle: string
    useCasesTitle: string
    worksWithTitle: string
    priceFrom: string
    perSeatMonth: string
    seePricing: string
    /** "{module}" is replaced by the module's name. */
    ctaTitle: string
    ctaBody: string
    ctaButton: string
    /** Shown instead of a price and the buy button while a module's plugin is not in the product. */
    coming: { title: string, body: string, button: string }
    /** A module on sale that the site has no marketing copy for yet: its manifest speaks for it. */
    priceOnRequest: string
  }
  /** A module's status, from the manifests (sites/catalogue). */
  moduleStatus: { available: string, coming: string }
  /** Marketing copy of the planned modules; a module that lands without copy uses its manifest. */
  modules: Record<ModuleId, ModuleCopy>
  pricing: {
    title: string
    metaDescription: string
    heading: string
    lead: string
    /** "{surcharge}" is replaced by the monthly billing surcharge, e.g. "15%". */
    note: string
    perSeatMonth: string
    plans: Record<PlanId, { name: string, description: string }>
    includesPrevious: string
    cta: string
    everyPlan: { title: string, items: string[] }
    enterprise: { title: string, body: string, cta: string }
    faqTitle: string
    faq: Array<{ question: string, answer: string }>
    comingNote: string
  }
  contact: {
    title: string
    metaDescription: string
    heading: string
    lead: string
    form: {
      legend: string
      name: string
      email: string
      company: string
      optional: string
      message: string
      messageHint: string
      honeypot: string
      captcha: string
      submit: string
      sending: string
      privacyBefore: string
      privacyLink: string
      privacyAfter: string
      noscript: string
    }
    status: {
      /** "{wait}" is replaced by the wait the API asks for (its Retry-After), e.g. "2 minutes". */
      rateLimitedFor: string
      sending: string
      success: string
      invalid: string
      network: string
      captchaMissing: string
      captchaUnavailable: string
      unknown: string
      codes: Record<ContactErrorCode, string>
    }
    /** "{min}" and "{max}" are replaced by the field's limits. */
    fieldErrors: Record<FieldRule, string>
    aside: { title: string, steps: string[], emailTitle: string, emailBody: string }
  }
  privacy: {
    title: string
    metaDescription: string
    heading: string
    updated: string
    intro: string
    sections: Array<{ heading: string, blocks: Block[] }>
  }
  terms: LegalPage
  imprint: LegalPage & {
    /** Labels of the company facts (src/data/company.ts). */
    labels: { legalName: string, address: string, registry: string, taxId: string, regon: string, capital: string, email: string, representatives: string }
    /** Shown next to a value still to be filled in before going live. */
    toFill: string
  }
  notFound: { title: string, body: string, home: string }
}
