import { useCallback, useId } from 'react'
import { ErrorState, Link, Spinner, joinPath, useApiData, useFormat, useT, type ModuleProps } from '@monozu/ui-sdk'
import { useLive } from './live.tsx'
import { messages } from './messages.ts'
import { NetworkGate } from './network.tsx'
import type { Network, Topology } from './types.ts'

/** Beyond this many peers the picture is a hairball: the table alone tells who reaches whom. */
const MAX_DRAWN = 60
const SIZE = 560
const R = 220

/**
 * The network as a graph: peers on a circle, a line for each pair a policy connects (an arrow
 * when only one side may open connections), exit nodes and subnet routers drawn as squares. The
 * picture is an image with a summary for screen readers; the table under it is the text
 * alternative and says the same: for each peer, whom it can reach and who can reach it.
 */
export function TopologyPage ({ basePath }: ModuleProps) {
  const t = useT(messages)
  return (
    <>
      <div className='mz-page-header'><h1>{t('topology')}</h1></div>
      <p>{t('topologyIntro')}</p>
      <NetworkGate>{network => <TopologyOf basePath={basePath} network={network} />}</NetworkGate>
    </>
  )
}

function TopologyOf ({ basePath, network }: ModuleProps & { network: Network }) {
  const t = useT(messages)
  const fmt = useFormat()
  const topo = useApiData<Topology>(`/api/v1/vpn/networks/${network.id}/topology`)
  const { reload } = topo
  useLive(useCallback(e => { if (e.event !== 'peer.traffic') reload() }, [reload]))
  if (topo.error) return <ErrorState error={topo.error} onRetry={reload} />
  if (!topo.data) return <Spinner />
  const d = topo.data
  const name = new Map(d.peers.map(p => [p.id, p.name]))
  const groupName = new Map(d.groups.map(g => [g.id, g.name]))
  const exits = new Set(d.routes.filter(r => r.kind === 'exit').map(r => r.peerId))
  const routers = new Set(d.routes.filter(r => r.kind === 'subnet').map(r => r.peerId))
  const reach = new Map<string, string[]>()
  const reachedBy = new Map<string, string[]>()
  for (const l of d.links) {
    reach.set(l.from, [...(reach.get(l.from) ?? []), l.to])
    reachedBy.set(l.to, [...(reachedBy.get(l.to) ?? []), l.from])
  }
  const names = (ids: string[] | undefined) => ids && ids.length > 0 ? ids.map(id => name.get(id) ?? id).sort((a, b) => a.localeCompare(b)).join(', ') : t('nobody')
  const counts = { peers: fmt.number(d.peers.length), links: fmt.number(d.links.length), exits: fmt.number(exits.size), routers: fmt.number(routers.size) }
  return (
    <>
      <p data-testid='vpn-topology-summary'>{t('topologySummary', counts)}</p>
      {d.truncated && <p role='note'>{t('topologyTruncated')}</p>}
      {d.peers.length > 0 && d.peers.length <= MAX_DRAWN && <Picture topo={d} exits={exits} routers={routers} label={t('topologyFigure', { name: d.network.name, ...counts })} />}
      <table className='mz-table'>
        <caption>{t('topologyTable')}</caption>
        <thead>
          <tr><th scope='col'>{t('name')}</th><th scope='col'>{t('status')}</th><th scope='col'>{t('canReach')}</th><th scope='col'>{t('reachedBy')}</th><th scope='col'>{t('routesCol')}</th></tr>
        </thead>
        <tbody>
          {d.peers.map(p => (
            <tr key={p.id}>
              <th scope='row'><Link to={joinPath(basePath, `/peers/${p.id}`)}>{p.name}</Link> <span className='vpn-mono'>{p.address4}</span></th>
              <td>{t(p.status === 'never' ? 'neverConnected' : p.status)}{p.flapping && <> · {t('flapping')}</>}</td>
              <td>{names(reach.get(p.id))}</td>
              <td>{names(reachedBy.get(p.id))}</td>
              <td>
                {d.routes.filter(r => r.peerId === p.id).map(r => (
                  <div key={r.id}>{r.kind === 'exit'
                    ? t('exitFor', { groups: r.groupIds.map(g => groupName.get(g) ?? g).join(', ') })
                    : t('routeFor', { cidr: r.cidr, groups: r.groupIds.map(g => groupName.get(g) ?? g).join(', ') })}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

function Picture ({ topo, exits, routers, label }: { topo: Topology, exits: Set<string>, routers: Set<string>, label: string }) {
  const t = useT(messages)
  const id = useId()
  const at = new Map(topo.peers.map((p, i) => {
    const a = (2 * Math.PI * i) / topo.peers.length - Math.PI / 2
    return [p.id, { x: SIZE / 2 + R * Math.cos(a), y: SIZE / 2 + R * Math.sin(a) }]
  }))
  const pairs = new Set(topo.links.map(l => `${l.from}>${l.to}`))
  // One line per pair: two-way when both directions are allowed, else an arrow towards the reached peer.
  const lines = topo.links.filter(l => !(pairs.has(`${l.to}>${l.from}`) && l.from > l.to))
  return (
    <figure className='vpn-topology'>
      <svg viewBox={`0 0 ${SIZE} ${SIZE}`} role='img' aria-labelledby={`${id}-t`}>
        <title id={`${id}-t`}>{label}</title>
        <defs>
          <marker id={`${id}-arrow`} viewBox='0 0 10 10' refX='18' refY='5' markerWidth='6' markerHeight='6' orient='auto-start-reverse'>
            <path d='M 0 0 L 10 5 L 0 10 z' className='vpn-topology-arrow' />
          </marker>
        </defs>
        {lines.map(l => {
          const a = at.get(l.from)!
          const b = at.get(l.to)!
          const twoWay = pairs.has(`${l.to}>${l.from}`)
          return <line key={`${l.from}>${l.to}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} className={twoWay ? 'vpn-topology-link' : 'vpn-topology-link vpn-topology-link--oneway'} markerEnd={twoWay ? undefined : `url(#${id}-arrow)`} />
        })}
        {topo.peers.map(p => {
          const { x, y } = at.get(p.id)!
          const special = exits.has(p.id) || routers.has(p.id)
          return (
            <g key={p.id} className={`vpn-topology-node vpn-topology-node--${p.status}`}>
              {special ? <rect x={x - 9} y={y - 9} width={18} height={18} /> : <circle cx={x} cy={y} r={8} />}
              <text x={x} y={y + (y > SIZE / 2 ? 24 : -14)} textAnchor='middle'>{p.name}{exits.has(p.id) ? ` (${t('exitNode')})` : ''}</text>
            </g>
          )
        })}
      </svg>
      <figcaption>
        <ul className='vpn-topology-legend'>
          <li><span className='vpn-topology-key' aria-hidden='true'>—</span> {t('legendTwoWay')}</li>
          <li><span className='vpn-topology-key' aria-hidden='true'>→</span> {t('legendOneWay')}</li>
          <li><span className='vpn-topology-key' aria-hidden='true'>■</span> {t('legendExit')}</li>
        </ul>
      </figcaption>
    </figure>
  )
}
