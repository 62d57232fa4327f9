// /images/platform-overview-<lang>.svg, the home page's hero image, drawn from this build's
// catalogue (src/generate/hero-image.ts): it shows the modules that exist, with their status.
import type { APIRoute } from 'astro'
import { heroSvg } from '../../generate/hero-image.ts'
import { modules, platformModules } from '../../data/modules.ts'

export function getStaticPaths () {
  return (['pl', 'en'] as const).map(locale => ({ params: { image: `platform-overview-${locale}.svg` }, props: { locale } }))
}

export const GET: APIRoute = ({ props }) =>
  new Response(heroSvg(props.locale as 'pl' | 'en', modules, platformModules), { headers: { 'content-type': 'image/svg+xml' } })
