import { useFormat } from '@monozu/ui-sdk'

/** A moment as people skim it ("3 minutes ago"), the exact time on hover and in `dateTime` for machines. */
export function RelativeTime ({ at }: { at: string }) {
  const fmt = useFormat()
  return <time dateTime={at} title={fmt.dateTime(at, { seconds: true })}>{fmt.relative(at)}</time>
}
