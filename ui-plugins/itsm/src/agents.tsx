import { createContext, useContext, useMemo, type ReactNode } from 'react'
import { ApiError, useApiData, useHasPermission, type T } from '@monozu/ui-sdk'
import { fieldErrorText } from './problems.ts'

/** Someone a ticket can be assigned to: an active user holding itsm.agent (GET /api/v1/itsm/agents). */
export interface Agent { id: string, name: string, email: string }

interface Agents { agents: Agent[], byId: Map<string, Agent>, loaded: boolean, reload: () => void }
const AgentsContext = createContext<Agents | null>(null)

/** The tenant's agents, read once for the module (agents only: the API refuses others). */
export function AgentsProvider ({ children }: { children: ReactNode }) {
  const agent = useHasPermission('itsm.agent')
  const data = useApiData<{ items: Agent[] }>(agent ? '/api/v1/itsm/agents' : null)
  const value = useMemo<Agents>(() => {
    const agents = [...(data.data?.items ?? [])].sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email))
    return { agents, byId: new Map(agents.map(a => [a.id, a])), loaded: Boolean(data.data), reload: data.reload }
  }, [data.data, data.reload])
  return <AgentsContext.Provider value={value}>{children}</AgentsContext.Provider>
}

export function useAgents (): Agents {
  const agents = useContext(AgentsContext)
  if (!agents) throw new Error('useAgents needs the AgentsProvider (Module.tsx)')
  return agents
}

/** An agent's name in a list: the name, or the email where the user has none. */
export const agentName = (a: Pick<Agent, 'name' | 'email'>): string => a.name || a.email

/**
 * The server's refusal of an assignee (400 validation_failed, pointer `/assigneeId`) as the text
 * for the field: the server's words in English; in Polish the known "not an agent" refusal said
 * again, anything else through the common field-error wording. Null when the error is not about it.
 */
export function assigneeError (error: unknown, t: T): string | null {
  if (!(error instanceof ApiError)) return null
  const e = error.errors.find(x => (x.pointer ?? '').split('/')[1] === 'assigneeId')
  if (!e) return null
  if (t.lang !== 'en' && (e.rule === 'not_found' || /no agent/.test(e.message))) return t('assigneeNotAgent')
  return fieldErrorText(e, t)
}
