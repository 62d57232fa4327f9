import MarkdownIt from 'markdown-it'
import { useMemo } from 'react'

/**
 * Markdown as tickets and replies are written, rendered safely: raw HTML is never passed through
 * (`html: false` shows it as text), markdown-it's link check refuses javascript:, vbscript:, file:
 * and data: URLs, images are not loaded (no tracking pixels: their alt text and URL show as a
 * link instead), and every link opens in a new tab with rel="noopener noreferrer nofollow".
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false })
md.disable(['image'])
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!
  token.attrSet('target', '_blank')
  token.attrSet('rel', 'noopener noreferrer nofollow')
  return defaultLinkOpen(tokens, idx, options, env, self)
}

export function renderMarkdown (text: string): string {
  return md.render(text)
}

export function Markdown ({ text, className }: { text: string, className?: string }) {
  const html = useMemo(() => renderMarkdown(text), [text])
  return <div className={`itsm-md${className ? ` ${className}` : ''}`} dangerouslySetInnerHTML={{ __html: html }} />
}
