import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// wg(8)'s configuration grammar: the keys `wg setconf` accepts, per section (what `wg-quick strip` leaves).
const GRAMMAR: Record<string, RegExp> = {
  PrivateKey: /^[A-Za-z0-9+/]{43}=$/, ListenPort: /^\d{1,5}$/, FwMark: /^(0x[0-9a-f]+|\d+|off)$/,
  PublicKey: /^[A-Za-z0-9+/]{43}=$/, PresharedKey: /^[A-Za-z0-9+/]{43}=$/,
  AllowedIPs: /^[0-9a-f.:]+\/\d{1,3}(, ?[0-9a-f.:]+\/\d{1,3})*$/i, Endpoint: /^(\[[0-9a-f:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, PersistentKeepalive: /^(\d{1,5}|off)$/
}
const SECTION_KEYS: Record<string, string[]> = { Interface: ['PrivateKey', 'ListenPort', 'FwMark'], Peer: ['PublicKey', 'PresharedKey', 'AllowedIPs', 'Endpoint', 'PersistentKeepalive'] }

/** Parses a wg config: [sections] with their keys; throws on anything wg would refuse. */
export function parseWg (text: string): Array<{ section: string, values: Record<string, string> }> {
  const out: Array<{ section: string, values: Record<string, string> }> = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim()
    if (!line) continue
    const s = /^\[(Interface|Peer)\]$/.exec(line)
    if (s) { out.push({ section: s[1]!, values: {} }); continue }
    const kv = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(line)
    if (!kv || out.length === 0) throw new Error(`not a wg config line: ${raw}`)
    const section = out[out.length - 1]!
    if (!SECTION_KEYS[section.section]!.includes(kv[1]!)) throw new Error(`${kv[1]} is not a [${section.section}] key`)
    if (!GRAMMAR[kv[1]!]!.test(kv[2]!)) throw new Error(`${kv[1]} = ${kv[2]} is malformed`)
    section.values[kv[1]!] = kv[2]!
  }
  return out
}

/** `wg-quick strip` of a config (wg-quick's own parser), or the text minus wg-quick keys without it. */
export function strip (config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vpn-wg-'))
  try {
    const file = join(dir, 'wgtest0.conf')
    writeFileSync(file, config, { mode: 0o600 })
    return execFileSync('wg-quick', ['strip', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return config.split('\n').filter(l => !/^(Address|DNS|MTU|Table|PreUp|PostUp|PreDown|PostDown|SaveConfig)\s*=/.test(l)).join('\n')
  } finally { rmSync(dir, { recursive: true, force: true }) }
}
