/** One ecosystem's version ordering. `compare` returns <0, 0 or >0; it throws on a version it cannot read. */
export interface Comparator {
  /** How the explanation names the ordering: "semver", "PEP 440", "dpkg"... */
  readonly scheme: string
  compare (a: string, b: string): number
  valid (v: string): boolean
}

export const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0)
