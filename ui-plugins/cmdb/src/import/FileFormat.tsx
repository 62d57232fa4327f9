import { Link, joinPath, useT, type ModuleProps } from '@monozu/ui-sdk'
import { importMessages } from './messages.ts'

/** What a file looks like, and where to start one. */
export function FileFormat ({ basePath }: ModuleProps) {
  const t = useT(importMessages)
  return (
    <section className='mz-card' aria-labelledby='cmdb-template-title'>
      <h2 id='cmdb-template-title' className='mz-card__title'>{t('formatTitle')}</h2>
      <ul className='cmdb-format'>
        <li>{t('formatColumns')}</li>
        <li>{t('formatMatch')}</li>
        <li>{t('formatValues')}</li>
        <li>{t('formatExport')} <Link to={joinPath(basePath, '/')}>{t('formatExportLink')}</Link></li>
      </ul>
      <pre className='cmdb-pre'>{'type,name,status,site,hostname,serial,os,cpuCores\nserver,srv-01,active,WAW-HQ,srv-01,CZ1234,Ubuntu,8\nvm,app-01,planned,WAW-HQ,app-01,,Debian,2'}</pre>
    </section>
  )
}
