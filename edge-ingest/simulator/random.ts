import { createHash } from 'node:crypto'

export type Random = () => number

/**
 * A seeded generator (mulberry32): a device's serials, MACs and neighbours come out the same on
 * every run, so a restarted simulator rediscovers the same network instead of a new one.
 */
export function seeded (seed: string): Random {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0)
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A standard normal sample (Box-Muller). */
export function gaussian (rand: Random): number {
  const u = 1 - rand()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

export const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T
export const between = (rand: Random, min: number, max: number): number => min + rand() * (max - min)
export const hex = (rand: Random, bytes: number): string =>
  Array.from({ length: bytes }, () => Math.floor(rand() * 256).toString(16).padStart(2, '0')).join('')
export const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x))
export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits
