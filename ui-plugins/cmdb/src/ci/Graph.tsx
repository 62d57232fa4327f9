import type { MouseEvent } from 'react'
import { navigate } from '@monozu/ui-sdk'

export interface GraphNode { id: string, label: string, sub: string, column: number, href?: string, current?: boolean }
export interface GraphEdge { from: string, to: string, label: string }

const W = 172
const H = 46
// Wide gaps leave room for relation labels; without labels (many edges) columns sit closer.
const GAP_LABELLED = 96
const GAP_PLAIN = 60
const GAP_Y = 18
const PER_COLUMN = 12
const MIN_SCALE = 2 / 3

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/**
 * A small layered graph in plain SVG (no graph library): nodes in columns, arrows from each
 * relation's source to its target, so "depends on" always reads left to right. Each node links
 * to its CI. Columns longer than PER_COLUMN end in a "+N more" node; the lists beside the graph
 * hold everything.
 */
export function Graph ({ nodes, edges, label, moreLabel }: { nodes: GraphNode[], edges: GraphEdge[], label: string, moreLabel: (n: number) => string }) {
  const columns = [...new Set(nodes.map(n => n.column))].sort((a, b) => a - b)
  const labelled = edges.length <= 16
  const GAP_X = labelled ? GAP_LABELLED : GAP_PLAIN
  const order = orderColumns(columns.map(col => nodes.filter(n => n.column === col)), edges)
  const placed = new Map<string, { x: number, y: number, node: GraphNode }>()
  const more: Array<{ x: number, y: number, count: number }> = []
  let rows = 1
  columns.forEach((col, ci) => {
    const inColumn = order[ci] ?? []
    const shown = inColumn.slice(0, PER_COLUMN)
    shown.forEach((node, ri) => placed.set(node.id, { x: ci * (W + GAP_X), y: ri * (H + GAP_Y), node }))
    if (inColumn.length > PER_COLUMN) more.push({ x: ci * (W + GAP_X), y: shown.length * (H + GAP_Y), count: inColumn.length - PER_COLUMN })
    rows = Math.max(rows, shown.length + (inColumn.length > PER_COLUMN ? 1 : 0))
  })
  // Centre shorter columns against the tallest one.
  const height = rows * (H + GAP_Y) - GAP_Y
  columns.forEach((col, ci) => {
    const inColumn = [...placed.values()].filter(p => p.node.column === col)
    const extra = more.filter(m => m.x === ci * (W + GAP_X)).length
    const used = (inColumn.length + extra) * (H + GAP_Y) - GAP_Y
    const shift = (height - used) / 2
    for (const p of inColumn) p.y += shift
    for (const m of more) if (m.x === ci * (W + GAP_X)) m.y += shift
  })
  const width = columns.length * (W + GAP_X) - GAP_X
  const drawn = edges.filter(e => placed.has(e.from) && placed.has(e.to))
  const outgoing = new Map<string, number>()
  const incoming = new Map<string, number>()
  for (const e of drawn) { outgoing.set(e.from, (outgoing.get(e.from) ?? 0) + 1); incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1) }

  const go = (e: MouseEvent, href: string | undefined) => {
    if (!href || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(href)
  }

  return (
    // Shrinks to fit down to two thirds (names stay readable), so a four-column graph fits a laptop's
    // card; below that (phones, deep graphs) the wrapper scrolls and its node links take the focus.
    <svg className='cmdb-graph' viewBox={`-8 -8 ${width + 16} ${height + 16}`} role='group' aria-label={label} style={{ maxWidth: width + 16, minWidth: Math.round((width + 16) * MIN_SCALE) }}>
      <defs>
        <marker id='cmdb-arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' orient='auto-start-reverse'>
          <path d='M0 0 10 5 0 10z' className='cmdb-graph__arrow' />
        </marker>
      </defs>
      {drawn.map((e, i) => {
        const a = placed.get(e.from)!
        const b = placed.get(e.to)!
        let d: string
        let mid: { x: number, y: number }
        if (a.x === b.x) {
          // Same column: a loop out to the right.
          const x = a.x + W
          d = `M${x} ${a.y + H / 2} C${x + 48} ${a.y + H / 2} ${x + 48} ${b.y + H / 2} ${x} ${b.y + H / 2}`
          mid = { x: x + 38, y: (a.y + b.y) / 2 + H / 2 }
        } else {
          const forward = a.x < b.x
          const x1 = forward ? a.x + W : a.x
          const x2 = forward ? b.x : b.x + W
          const y1 = a.y + H / 2
          const y2 = b.y + H / 2
          const dx = (x2 - x1) / 2
          d = `M${x1} ${y1} C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`
          // Labels sit where the edges fan out, not where many of them meet.
          const at = (incoming.get(e.to) ?? 0) > (outgoing.get(e.from) ?? 0) ? 0.3 : (outgoing.get(e.from) ?? 0) > (incoming.get(e.to) ?? 0) ? 0.7 : 0.5
          const u = 1 - at
          mid = {
            x: u * u * u * x1 + 3 * u * u * at * (x1 + dx) + 3 * u * at * at * (x2 - dx) + at * at * at * x2,
            y: u * u * u * y1 + 3 * u * u * at * y1 + 3 * u * at * at * y2 + at * at * at * y2
          }
        }
        return (
          <g key={`${e.from}-${e.to}-${e.label}-${i}`} className='cmdb-graph__edge'>
            <path d={d} markerEnd='url(#cmdb-arrow)'><title>{`${a.node.label} → ${e.label} → ${b.node.label}`}</title></path>
            {labelled && <text x={mid.x} y={mid.y - 4} textAnchor='middle'>{e.label}</text>}
          </g>
        )
      })}
      {[...placed.values()].map(({ x, y, node }) => {
        const box = (
          <>
            <rect x={x} y={y} width={W} height={H} rx={6} />
            <text x={x + 10} y={y + 19} className='cmdb-graph__name'>{clip(node.label, 22)}</text>
            <text x={x + 10} y={y + 36} className='cmdb-graph__sub'>{clip(node.sub, 26)}</text>
            <title>{`${node.label} (${node.sub})`}</title>
          </>
        )
        return (
          <g key={node.id} className={`cmdb-graph__node${node.current ? ' cmdb-graph__node--current' : ''}`}>
            {node.href && !node.current ? <a href={node.href} onClick={e => go(e, node.href)} aria-label={`${node.label} (${node.sub})`}>{box}</a> : box}
          </g>
        )
      })}
      {more.map(m => (
        <text key={`more-${m.x}`} x={m.x + W / 2} y={m.y + H / 2} textAnchor='middle' className='cmdb-graph__more'>{moreLabel(m.count)}</text>
      ))}
    </svg>
  )
}

/**
 * Orders each column by the mean position of its neighbours in the column beside it (the
 * barycenter heuristic, a few sweeps each way): far fewer crossing edges than the API's order.
 */
function orderColumns (columns: GraphNode[][], edges: GraphEdge[]): GraphNode[][] {
  const neighbours = new Map<string, string[]>()
  const link = (a: string, b: string) => { const list = neighbours.get(a); if (list) list.push(b); else neighbours.set(a, [b]) }
  for (const e of edges) { link(e.from, e.to); link(e.to, e.from) }
  const out = columns.map(c => [...c])
  const sweep = (from: number, to: number, step: number) => {
    for (let c = from; c !== to; c += step) {
      const beside = out[c - step] ?? []
      const at = new Map(beside.map((n, i) => [n.id, i]))
      const column = out[c] ?? []
      const key = new Map(column.map((n, i) => {
        const ys = (neighbours.get(n.id) ?? []).flatMap(id => { const y = at.get(id); return y === undefined ? [] : [y] })
        return [n.id, ys.length > 0 ? ys.reduce((a, b) => a + b, 0) / ys.length : i * (beside.length / Math.max(1, column.length))]
      }))
      column.sort((a, b) => (key.get(a.id) ?? 0) - (key.get(b.id) ?? 0))
    }
  }
  for (let i = 0; i < 3; i++) { sweep(1, out.length, 1); sweep(out.length - 2, -1, -1) }
  return out
}
