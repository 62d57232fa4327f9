/** The name advisories and inventory are matched on: PyPI per PEP 503, everything else as published. */
export function matchName (ecosystem: string, name: string): string {
  const eco = baseEcosystem(ecosystem)
  if (eco === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-')
  if (eco === 'CPE') return name.toLowerCase() // <vendor>:<product>, as NVD writes its CPEs
  if (eco === 'npm' || eco === 'Debian' || eco === 'Alpine' || eco === 'Ubuntu') return name.toLowerCase()
  return name
}

/** `Debian:12` → `Debian`; `Alpine:v3.20` → `Alpine`. */
export function baseEcosystem (ecosystem: string): string {
  const i = ecosystem.indexOf(':')
  return i < 0 ? ecosystem : ecosystem.slice(0, i)
}
