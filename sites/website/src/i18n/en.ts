import { company } from '../data/company.ts'
import type { Dictionary } from './types.ts'

export const en: Dictionary = {
  meta: {
    lang: 'en',
    intlLocale: 'en-GB',
    ogLocale: 'en_GB',
    currency: 'EUR',
    languageName: 'English',
    siteDescription: 'Monozu Cloud is a multi-tenant IT-management platform for managed service providers (MSPs): modules for every client\'s infrastructure in one place.'
  },
  a11y: {
    skipLink: 'Skip to content',
    openMenu: 'Open menu',
    closeMenu: 'Close menu',
    mainNav: 'Main navigation',
    footerNav: 'Footer navigation',
    switchLanguage: 'Change language',
    homeLink: 'Monozu Cloud home page'
  },
  nav: {
    products: 'Products',
    pricing: 'Pricing',
    contact: 'Contact',
    cta: 'Book a demo',
    signIn: 'Sign in',
    docs: 'Docs'
  },
  footer: {
    tagline: 'The IT-management platform for companies that look after many clients’ infrastructure.',
    products: 'Products',
    company: 'Company',
    legal: 'Legal',
    privacy: 'Privacy policy',
    terms: 'Terms of service',
    imprint: 'Imprint',
    rights: 'All rights reserved.',
    madeIn: 'Designed and built in Poland.'
  },
  home: {
    title: 'Monozu Cloud — the IT-management platform for MSPs',
    metaDescription: 'Monozu Cloud is a multi-tenant IT-management platform for IT service providers: every client kept apart, everything in one view.',
    hero: {
      eyebrow: 'The platform for managed service providers',
      title: 'All of your clients’ infrastructure on one platform',
      lead: 'Monozu Cloud brings the {modules} modules together in one platform{coming}. Every client gets its own isolated space; you get one view of everything and pay only for the modules you actually use.',
      comingClause: ', with more — {modules} — on the way',
      primaryCta: 'Book a demo',
      secondaryCta: 'See pricing',
      image: '/images/platform-overview-en.svg',
      imageAlt: 'Sketch of the Monozu Cloud app: a menu with the modules available today and every module listed with its status, available or coming'
    },
    pillars: {
      title: 'Built for companies that serve many clients',
      items: [
        {
          title: 'Multi-tenancy done properly',
          body: 'Each client’s data is separated in the database itself, not just in the interface. Technicians see only the clients they have been given access to.'
        },
        {
          title: 'Modules, not a monolith',
          body: 'Switch on only the areas you need, and add more as your service catalogue grows and new modules arrive.'
        },
        {
          title: 'One sign-in, a full trail',
          body: 'Sign in with Microsoft Entra ID, grant roles and permissions per module, and keep an audit log of every significant action.'
        }
      ]
    },
    modules: {
      title: 'Modules of one platform',
      lead: 'Each module works on its own, and together they share the same data about clients, devices and services.',
      more: 'More about'
    },
    steps: {
      title: 'How to get started',
      lead: 'You can have your first client up and running in an afternoon.',
      items: [
        {
          title: 'Add your clients',
          body: 'Create a space for each client and invite their administrators or your own technicians. Permissions come from roles.'
        },
        {
          title: 'Connect devices',
          body: 'Enrol workstations, servers and edge appliances. Hardware, software and health data flow straight into the CMDB.'
        },
        {
          title: 'Switch on modules and automate',
          body: 'Switch on the modules you need. Background jobs and live notifications take care of the rest.'
        }
      ]
    },
    platform: {
      title: 'Foundations you can rely on',
      lead: 'The same rules apply in every module — including the ones our partners build.',
      items: [
        {
          title: 'Isolation in the database',
          body: 'Row-level security policies in the database make sure that a query made for one client never returns another client’s data.'
        },
        {
          title: 'Live updates',
          body: 'Status changes, new alerts and job progress appear on screen without reloading the page.'
        },
        {
          title: 'An open API',
          body: 'Platform features are available through a REST API described in OpenAPI, so connecting Monozu to your PSA, RMM or billing system is straightforward.'
        },
        {
          title: 'Partner extensions',
          body: 'A plugin architecture lets you and our partners add modules of your own that follow the same security rules.'
        }
      ]
    },
    cta: {
      title: 'See Monozu Cloud in action',
      body: 'In 30 minutes we’ll show you how the platform fits your clients and answer your questions about onboarding and licensing.',
      button: 'Book a demo'
    }
  },
  modulePage: {
    eyebrow: '{module} module',
    highlightsTitle: 'Key capabilities',
    useCasesTitle: 'In practice',
    worksWithTitle: 'Combine with other modules',
    priceFrom: 'From',
    perSeatMonth: 'per seat per month, excl. VAT',
    seePricing: 'See full pricing',
    ctaTitle: 'Want to see {module} in action?',
    ctaBody: 'We’ll walk you through the module with sample data and help you plan the rollout for your clients.',
    ctaButton: 'Book a demo',
    coming: {
      title: 'This module is being built',
      body: 'It cannot be bought or switched on yet. We will publish its price when it is available. Write to us if you want to hear first.',
      button: 'Keep me posted'
    },
    priceOnRequest: 'Price on request'
  },
  moduleStatus: { available: 'Available', coming: 'Coming' },
  modules: {
    cmdb: {
      tagline: 'A configuration database that knows what depends on what.',
      metaDescription: 'CMDB in Monozu Cloud: typed configuration items, relationships and impact analysis, CSV import and export, and a change history for every MSP client.',
      title: 'Know what you have, and what breaks when something fails',
      lead: 'The CMDB module keeps every client’s servers, workstations, network gear, licences and services in one well-organised register. Relationships between items show which services an outage will hit before the phone starts ringing.',
      highlights: [
        { title: 'Typed configuration items', body: 'Each item type has its own fields and validation rules, so data stays consistent no matter who enters it.' },
        { title: 'Relationships and impact analysis', body: 'Link a server to an application, the application to a service and the service to a client. Impact analysis shows the whole chain of dependencies.' },
        { title: 'CSV import and export', body: 'Move existing spreadsheet documentation over in minutes. Exports come in handy for audits and client reports.' },
        { title: 'A history of every change', body: 'Who changed what, and when — every modification lands in a searchable audit log.' }
      ],
      useCases: [
        { title: 'Onboarding a new client', body: 'Import the inventory from a spreadsheet, enrich it with data from enrolled devices, and have a complete picture of the environment within the first week.' },
        { title: 'Planning changes', body: 'Before rebooting a server, check which services and users will notice the downtime, and warn them in advance.' },
        { title: 'Licences and support contracts', body: 'Link licences and contracts to devices so you can see upcoming renewal dates well ahead of time.' }
      ],
      plans: {
        standard: ['Unlimited configuration items', 'Relationships and impact analysis', 'CSV import and export'],
        professional: ['Custom item types and fields', 'Automatic enrichment from the Devices module', 'Full change history in the audit log']
      }
    },
    itsm: {
      tagline: 'Tickets, SLAs and changes under control — separately for every client.',
      metaDescription: 'ITSM in Monozu Cloud: ticket and incident handling, SLA timers, change management and a client portal in one platform for MSPs.',
      title: 'A service desk that never misses a deadline',
      lead: 'Incidents, service requests and changes from every company you look after arrive in one queue. Each ticket carries the right SLA, an assigned technician and a link to the devices in the CMDB.',
      highlights: [
        { title: 'Incidents and service requests', body: 'Separate workflows for outages and routine requests, with categories, priorities and reply templates.' },
        { title: 'SLA timers for every client', body: 'Set response and resolution times that match each client’s contract. Timers warn the team before a deadline passes.' },
        { title: 'Change management', body: 'Change requests with risk assessment, approval and scheduling, linked to the CMDB items they affect.' },
        { title: 'A client portal', body: 'Your clients’ users raise requests and follow their progress themselves, without calling the help line.' }
      ],
      useCases: [
        { title: 'One queue for the whole team', body: 'Technicians see tickets from all their clients in a single view, sorted by the time left before the SLA is breached.' },
        { title: 'A monthly client report', body: 'Ticket volumes, response times and SLA compliance in a ready-made summary you can send along with the invoice.' },
        { title: 'Incidents with full context', body: 'A ticket shows the user’s device, its latest security alerts and its backup status straight away.' }
      ],
      plans: {
        standard: ['Incidents and service requests', 'SLA timers and notifications', 'Client portal'],
        professional: ['Change management with approvals', 'Tickets linked to the CMDB', 'SLA reports for clients']
      }
    },
    security: {
      tagline: 'Every client’s security posture on one screen.',
      metaDescription: 'Security in Monozu Cloud: patch, encryption and endpoint protection status, security policies and alerts for all of your MSP clients.',
      title: 'Spot the gaps before someone else does',
      lead: 'The Security module collects patch levels, disk encryption, antivirus and firewall status from devices, compares them with your policies and shows what needs attention — per client and across all of them.',
      highlights: [
        { title: 'Security policies', body: 'Define requirements such as disk encryption, an up-to-date operating system and an enabled firewall, and assign them to clients or device groups.' },
        { title: 'Compliance scoring', body: 'Every device is scored against its policy, and deviations land on a list ordered by severity.' },
        { title: 'Real-time alerts', body: 'Disabled protection or a suspicious event reaches the team immediately and, when needed, becomes an ITSM ticket.' },
        { title: 'Client reports', body: 'A clear summary of each client’s security posture that makes conversations about risk and budget easier.' }
      ],
      useCases: [
        { title: 'Getting ready for an audit', body: 'Show the auditor that every laptop is encrypted and up to date — with a change history and the date of the last check.' },
        { title: 'Responding to a critical vulnerability', body: 'Find out in minutes which clients still run devices without the latest patch, and schedule the update.' },
        { title: 'A new service to sell', body: 'Offer security monitoring as a managed service with a clear monthly report.' }
      ],
      plans: {
        standard: ['Policies and compliance scoring', 'Email and in-app alerts', 'Security posture dashboard'],
        professional: ['Automatic ITSM tickets', 'Compliance reports for clients', 'Compliance history and auditor export']
      }
    },
    vpn: {
      tagline: 'Secure access to client networks without manual configuration.',
      metaDescription: 'VPN in Monozu Cloud: site-to-site tunnels, remote access for users and technicians, central key management and live connection status.',
      title: 'Connect offices, people and servers — from one console',
      lead: 'Set up site-to-site tunnels and remote access for your clients’ staff without logging in to every router. Keys, permissions and connection status all live in one place.',
      highlights: [
        { title: 'Site-to-site tunnels', body: 'Join a client’s offices and server rooms into one network. The platform generates and distributes the configuration for edge devices.' },
        { title: 'Remote access for users', body: 'Your clients’ staff connect to the company network from anywhere, and you grant or revoke access with a single click.' },
        { title: 'Key management', body: 'Keys are issued, rotated and revoked centrally. When someone leaves, nobody has to touch the routers.' },
        { title: 'Live connection status', body: 'See which tunnels are up, who is connected and how much data has been transferred; a dropped connection raises an alert.' }
      ],
      useCases: [
        { title: 'A client opens a new office', body: 'Enrol an edge device at the new site and the tunnel to headquarters comes up without a technician on site.' },
        { title: 'Service access for technicians', body: 'Your technicians can reach only the networks of the clients they support, and every connection is recorded in the audit log.' },
        { title: 'Remote work', body: 'Your clients’ staff work from home as securely as from the office, and you don’t have to juggle dozens of configuration files.' }
      ],
      plans: {
        standard: ['Remote access for users', 'Central key management', 'Live connection status'],
        professional: ['Site-to-site tunnels', 'Service access with audit log', 'Alerts on dropped connections']
      }
    },
    backup: {
      tagline: 'Backups you can trust — and proof that they work.',
      metaDescription: 'Backup in Monozu Cloud: backup policies, job monitoring, restore tests and reports for MSP clients.',
      title: 'A backup is only as good as the restore',
      lead: 'Set backup policies for your clients’ servers and workstations, monitor every job and regularly check that data can actually be restored. A failed backup never goes unnoticed.',
      highlights: [
        { title: 'Policies per client', body: 'Set the schedule, scope and retention once for a client or a group of devices.' },
        { title: 'Job monitoring', body: 'The status of every job is visible as it happens. A failure or a missed backup reaches the team straight away.' },
        { title: 'Restore tests', body: 'Schedule regular test restores and record their results, so you have proof that the backups really work.' },
        { title: 'Client reports', body: 'A monthly summary of completed backups and tests that shows clients the value of the service.' }
      ],
      useCases: [
        { title: 'A file server fails', body: 'See in one place when the last good backup was taken and how long the most recent test restore took.' },
        { title: 'Insurance requirements', body: 'Present the history of backups and restore tests that cyber-insurance policies increasingly ask for.' },
        { title: 'Consistent retention', body: 'The same retention rules for every client instead of different settings on every server.' }
      ],
      plans: {
        standard: ['Backup policies per client', 'Job monitoring and alerts', 'Backup status dashboard'],
        professional: ['Scheduled restore tests', 'Client reports', 'Automatic ITSM tickets on failures']
      }
    },
    devices: {
      tagline: 'Enrolment, inventory and remote commands for your whole fleet.',
      metaDescription: 'Devices in Monozu Cloud: device enrolment, hardware and software inventory, remote commands and live device status for MSPs.',
      title: 'Every client device, always within reach',
      lead: 'Enrol workstations, servers and edge appliances across all of your clients. Monozu collects their inventory, shows their status live and lets you send remote commands — without logging in to each machine.',
      highlights: [
        { title: 'Secure enrolment', body: 'Each device gets its own key, which you can revoke at any moment. Enrolment takes a few minutes.' },
        { title: 'Hardware and software inventory', body: 'CPU, memory, disks, operating system and installed applications are collected automatically and flow into the CMDB.' },
        { title: 'Remote commands', body: 'Run a script, a restart or an update on one device or a whole group, and follow the result live.' },
        { title: 'Live status', body: 'See which devices are online, when they last checked in and which ones need attention.' }
      ],
      useCases: [
        { title: 'Onboarding a new client', body: 'Enrol the devices and a complete inventory appears in the CMDB the very same day.' },
        { title: 'Acting on many devices', body: 'Send a command to every computer in a department or at a client instead of connecting to each one.' },
        { title: 'Devices that went missing', body: 'A list of devices that have not checked in for a long time helps you catch lost hardware and outdated documentation.' }
      ],
      plans: {
        standard: ['Device enrolment and keys', 'Hardware and software inventory', 'Live device status'],
        professional: ['Remote commands and scripts', 'Actions on device groups', 'Sync with the CMDB']
      }
    }
  },
  pricing: {
    title: 'Pricing',
    metaDescription: 'Monozu Cloud pricing: pay for the modules and seats you need. Standard and Professional plans for every available module.',
    heading: 'Pay only for what you use',
    lead: 'Every module has two plans, and the price depends on the number of seats. Mix modules and plans as you like — differently for each client, too.',
    note: 'Prices in euros per seat per month with annual billing, excluding VAT. Monthly billing costs {surcharge} more.',
    perSeatMonth: 'per seat / month',
    plans: {
      standard: { name: 'Standard', description: 'Everything your team needs day to day.' },
      professional: { name: 'Professional', description: 'Automation and reporting for demanding clients.' }
    },
    includesPrevious: 'Everything in Standard, plus:',
    cta: 'Request a quote',
    everyPlan: {
      title: 'Included in every plan',
      items: [
        'Sign-in with Microsoft Entra ID (SSO)',
        'Roles and permissions for technicians and clients',
        'Audit log',
        'REST API with OpenAPI documentation',
        'Live updates in the browser',
        'Support in English and Polish'
      ]
    },
    enterprise: {
      title: 'More than 500 seats?',
      body: 'For larger rollouts we’ll put together a custom offer with a volume discount, an SLA agreement and help with data migration.',
      cta: 'Let’s talk'
    },
    faqTitle: 'Frequently asked questions',
    faq: [
      {
        question: 'What is a seat?',
        answer: 'A seat is one active user account with access to a given module, such as one of your technicians or an administrator on the client’s side.'
      },
      {
        question: 'Do I have to buy every module?',
        answer: 'No. Each module is sold separately and you can start with just one. Add more at any time; we charge for them pro rata until the end of the billing period.'
      },
      {
        question: 'How do you bill MSPs with many clients?',
        answer: 'We add up the seats across all of your client spaces and send a single invoice. The console shows usage per client, which makes re-invoicing easy.'
      },
      {
        question: 'Can I try the platform first?',
        answer: 'Yes. For 30 days you can use every available module on the Professional plan free of charge, with no card details required.'
      },
      {
        question: 'How do payments work?',
        answer: 'We issue VAT invoices payable within 14 days. With annual billing you pay for 12 months in advance; with monthly billing, every month.'
      },
      {
        question: 'Can I change my plan or the number of seats?',
        answer: 'Yes, at any time. Extra seats are charged pro rata from the day you add them; a lower seat count applies from the next billing period.'
      },
      {
        question: 'What happens to my data if I cancel?',
        answer: 'Before the contract ends you can export your data through the API or as CSV files. Once it has ended, we delete the data as set out in the data processing agreement.'
      }
    ],
    comingNote: 'Modules marked “coming” are being built: they cannot be bought yet, and we will publish their prices when they are available.'
  },
  contact: {
    title: 'Contact',
    metaDescription: 'Get in touch with Monozu Cloud: book a demo of the platform or ask about pricing and onboarding. We reply within one business day.',
    heading: 'Let’s talk about your clients',
    lead: 'Tell us what you need — a demo, a quote or an answer to a technical question. We’ll get back to you within one business day.',
    form: {
      legend: 'Contact form',
      name: 'Full name',
      email: 'Work email',
      company: 'Company',
      optional: '(optional)',
      message: 'Message',
      messageHint: 'Between 10 and 5,000 characters.',
      honeypot: 'Leave this field empty',
      captcha: 'Spam protection',
      submit: 'Send message',
      sending: 'Sending…',
      privacyBefore: `${company.legalName} is the controller of the data you enter and uses it only to reply to your message. Read more in our `,
      privacyLink: 'privacy policy',
      privacyAfter: '.',
      noscript: `The form needs JavaScript. You can also email us directly at ${company.salesEmail}.`
    },
    status: {
      rateLimitedFor: 'Too many messages have been sent. Please try again in {wait}.',
      sending: 'Sending your message…',
      success: 'Thank you! Your message has arrived. We’ll reply within one business day.',
      invalid: 'Please correct the highlighted fields and try again.',
      network: 'We couldn’t reach the server. Check your internet connection and try again.',
      captchaMissing: 'Please confirm you are not a robot, then send the form again.',
      captchaUnavailable: `The spam protection check failed to load. Reload the page or email us at ${company.salesEmail}.`,
      unknown: `Something went wrong. Try again in a moment or email us at ${company.salesEmail}.`,
      codes: {
        invalid_input: 'Please correct the highlighted fields and try again.',
        invalid_json: 'The form could not be read. Reload the page and try again.',
        captcha_failed: 'The spam protection check failed. Please complete it again and resend the form.',
        origin_not_allowed: `This form does not accept messages from this site. Please email us at ${company.salesEmail}.`,
        method_not_allowed: 'The server rejected the request. Reload the page and try again.',
        too_large: 'Your message is too long. Please shorten it and try again.',
        unsupported_media_type: 'The server rejected the request. Reload the page and try again.',
        rate_limited: 'Too many messages have been sent. Please try again in a few minutes.',
        mail_failed: `We couldn’t send your message right now. Try again in a few minutes or email us at ${company.salesEmail}.`,
        captcha_unavailable: 'The spam protection service is temporarily unavailable. Please try again in a few minutes.'
      }
    },
    fieldErrors: {
      required: 'This field is required.',
      format: 'Enter a valid email address, such as jane.doe@company.com.',
      too_short: 'Enter at least {min} characters.',
      too_long: 'Enter no more than {max} characters.',
      invalid: 'Please check this field.'
    },
    aside: {
      title: 'What happens next?',
      steps: [
        'We reply within one business day and suggest a time to talk.',
        'In a 30-minute demo we show you the modules you are interested in.',
        'You get a 30-day trial to try the platform with your own clients.'
      ],
      emailTitle: 'Prefer email?',
      emailBody: 'Write to us at'
    }
  },
  privacy: {
    title: 'Privacy policy',
    metaDescription: 'How Monozu Cloud processes the personal data sent through the contact form: controller, purposes, legal bases, retention, recipients and your rights.',
    heading: 'Privacy policy',
    updated: 'Last updated',
    intro: 'This policy explains how we process the personal data you give us through the contact form on this website. The website does not use cookies for analytics or advertising.',
    sections: [
      {
        heading: 'Data controller',
        blocks: [
          `The controller of your personal data is ${company.legalName} (“Monozu”, “we”). For anything related to data protection, write to us at ${company.privacyEmail}.`
        ]
      },
      {
        heading: 'What data we process',
        blocks: [
          [
            'the data you enter in the form: your name, email address, company name (if you give it) and your message, plus the language version of the page you send it from;',
            'your IP address and technical data about your browser, needed to protect the form from spam and abuse (the Cloudflare Turnstile check and a limit on the number of messages sent from one IP address).'
          ],
          'Providing the data is voluntary, but without your name, email address and message we cannot reply to your enquiry.'
        ]
      },
      {
        heading: 'Purposes and legal bases',
        blocks: [
          [
            'replying to your message and any further correspondence — based on our legitimate interest in communicating with people who contact us (Article 6(1)(f) GDPR);',
            'preparing an offer, quote or demo you ask for — as steps taken at your request before entering into a contract (Article 6(1)(b) GDPR);',
            'protecting the form from spam, bots and abuse — based on our legitimate interest (Article 6(1)(f) GDPR);',
            'establishing, exercising or defending legal claims, should that become necessary — based on our legitimate interest (Article 6(1)(f) GDPR).'
          ]
        ]
      },
      {
        heading: 'How long we keep the data',
        blocks: [
          'We keep your message and contact details for as long as it takes to handle your enquiry, and then for 12 months after our last exchange in case you want to pick up the conversation again. If we enter into a contract, the correspondence becomes part of the contract records and is kept for as long as the law requires.',
          'The IP address used for the message limit is kept only as long as that limit applies, and never longer than 24 hours. If you successfully object, we will delete your data sooner.'
        ]
      },
      {
        heading: 'Recipients and processors',
        blocks: [
          'We use trusted providers that process data on our behalf under data processing agreements:',
          [
            'Cloudflare, Inc. (USA) — the Cloudflare Turnstile service, which checks that a human is sending the form, and the infrastructure that receives the form submission. Turnstile analyses technical data such as your IP address, browser type and how you interact with the page;',
            'Resend (USA) — the email delivery service through which the contents of the form reach our inbox.'
          ],
          'Public authorities may also receive the data where the law requires it.'
        ]
      },
      {
        heading: 'Transfers outside the European Economic Area',
        blocks: [
          `Cloudflare and Resend may process data in the United States. Such transfers rely on the European Commission’s adequacy decision (the EU-U.S. Data Privacy Framework) for providers certified under it, or otherwise on standard contractual clauses approved by the European Commission (Article 46(2)(c) GDPR). You can obtain a copy of these safeguards by writing to ${company.privacyEmail}.`
        ]
      },
      {
        heading: 'Your rights',
        blocks: [
          'You have the right to:',
          [
            'access your data and receive a copy of it (Article 15 GDPR);',
            'have your data rectified (Article 16 GDPR);',
            'have your data erased (Article 17 GDPR);',
            'restrict processing (Article 18 GDPR);',
            'data portability for data processed in connection with steps before a contract (Article 20 GDPR);',
            'object to processing based on our legitimate interest (Article 21 GDPR).'
          ],
          `To exercise these rights, write to ${company.privacyEmail}. We will reply without undue delay and within one month at the latest. You also have the right to lodge a complaint with the Polish supervisory authority, the President of the Personal Data Protection Office (Prezes Urzędu Ochrony Danych Osobowych, ul. Stawki 2, 00-193 Warsaw, Poland), or with the supervisory authority of the EU member state where you live or work.`
        ]
      },
      {
        heading: 'Automated decision-making',
        blocks: [
          `We do not make decisions about you based solely on automated processing, including profiling, that produce legal effects or similarly significantly affect you. The Turnstile result is used only to reject automated submissions; if the check fails, please email us directly at ${company.salesEmail}.`
        ]
      },
      {
        heading: 'Changes to this policy',
        blocks: [
          'We may update this policy, for example when we change providers. The current version is always available on this page, and the date of the last change is shown at the top.'
        ]
      }
    ]
  },
  terms: {
    title: 'Terms of service',
    metaDescription: 'Monozu Cloud terms of service: the contract, module licences, payment, availability, data and liability.',
    heading: 'Monozu Cloud terms of service',
    updated: 'Last updated',
    intro: `These terms govern the use of the Monozu Cloud platform provided by ${company.legalName} (“we”) to businesses (the “Customer”). The platform is for businesses only; we do not contract with consumers.`,
    sections: [
      {
        heading: 'The contract',
        blocks: [
          'The contract is made when we accept an order. The order states the modules, plans, number of seats and billing period.',
          'Detailed terms, including a data processing agreement, may be agreed separately; where they conflict with these terms, the separate agreement prevails.'
        ]
      },
      {
        heading: 'Modules and licences',
        blocks: [
          'The Customer uses the modules named in the order under the licence assigned to its organisation. Modules marked “coming” on this website are not for sale.',
          'The licence is non-exclusive, non-transferable and lasts as long as the contract.'
        ]
      },
      {
        heading: 'Payment',
        blocks: [
          'Fees are charged per seat at the prices in force on the day of the order. We issue VAT invoices payable within 14 days.'
        ]
      },
      {
        heading: 'Availability and support',
        blocks: [
          `We aim to keep the platform running without interruption and announce planned maintenance in advance. Report problems with the service to ${company.salesEmail}.`
        ]
      },
      {
        heading: 'Customer data',
        blocks: [
          'Data entered into the platform belongs to the Customer. Before the contract ends the Customer can export it through the API or as CSV files; after it ends we delete it as the data processing agreement says.'
        ]
      },
      {
        heading: 'Liability',
        blocks: [
          'Our liability to the Customer is limited to actual loss and to the fees the Customer paid in the 12 months before the event, unless mandatory law says otherwise.'
        ]
      },
      {
        heading: 'Complaints and contact',
        blocks: [
          `Send complaints and questions about these terms to ${company.legalEmail}. We reply within 14 days.`
        ]
      },
      {
        heading: 'Governing law',
        blocks: [
          'The contract is governed by Polish law. Disputes go to the court competent for our registered office.'
        ]
      }
    ]
  },
  imprint: {
    title: 'Imprint',
    metaDescription: `Company details of ${company.legalName}, the operator of Monozu Cloud: address, register, tax numbers and contact.`,
    heading: 'Imprint',
    updated: 'Last updated',
    intro: `Monozu Cloud is provided by ${company.legalName}.`,
    sections: [],
    labels: {
      legalName: 'Company',
      address: 'Registered office',
      registry: 'Register',
      taxId: 'Tax ID (NIP)',
      regon: 'REGON',
      capital: 'Share capital',
      email: 'Email',
      representatives: 'Management board'
    },
    toFill: 'to be filled in'
  },
  notFound: {
    title: 'Page not found',
    body: 'The page you are looking for does not exist or has moved.',
    home: 'Back to the home page'
  }
}
