import { FIELD_KEY, FIELD_KINDS, RESERVED_KEYS, RULES_BY_KIND, TYPE_KEY, type FieldDef, type FieldError } from './model.ts'
import type { Registry } from './registry.ts'
import { ruleRegex } from './values.ts'

export type { FieldError }

/** JSON Schema of one custom field definition (the structural part; `checkFields` does the rest). */
export const fieldSchema = {
  type: 'object',
  required: ['key', 'label', 'kind'],
  properties: {
    key: { type: 'string', pattern: FIELD_KEY },
    label: { type: 'string', minLength: 1, maxLength: 100 },
    kind: { enum: [...FIELD_KINDS] },
    description: { type: 'string', maxLength: 500 },
    required: { type: 'boolean' },
    regex: { type: 'string', minLength: 1, maxLength: 200 },
    min: { type: 'integer' },
    max: { type: 'integer' },
    choices: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
    refType: { type: 'string', pattern: TYPE_KEY }
  }
} as const

export const typeKeySchema = { type: 'string', pattern: TYPE_KEY } as const


/**
 * Semantic checks of custom field definitions: keys free, rules that fit the kind, regexes
 * that compile, references to types that exist. `builtinKeys` are the type's built-in fields.
 */
export function checkFields (fields: FieldDef[], builtinKeys: Set<string>, registry: Registry, ownKey: string): FieldError[] {
  const errors: FieldError[] = []
  const seen = new Set<string>()
  fields.forEach((f, i) => {
    const at = (p: string) => `/fields/${i}${p}`
    const err = (pointer: string, message: string, rule: string) => errors.push({ in: 'body', pointer: at(pointer), message, rule })
    if (RESERVED_KEYS.has(f.key)) err('/key', `"${f.key}" is reserved`, 'reserved')
    if (builtinKeys.has(f.key)) err('/key', `"${f.key}" is a built-in field of this type`, 'reserved')
    if (seen.has(f.key)) err('/key', `"${f.key}" is defined twice`, 'unique')
    seen.add(f.key)
    for (const rule of ['regex', 'min', 'max', 'choices', 'refType'] as const) {
      if (f[rule] !== undefined && !(RULES_BY_KIND[f.kind] ?? []).includes(rule)) err(`/${rule}`, `does not apply to a ${f.kind} field`, 'rule')
    }
    if (f.kind === 'select' && !f.choices) err('/choices', 'a select field needs choices', 'required')
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) err('/min', 'must not be greater than max', 'min')
    if ((f.kind === 'text' || f.kind === 'url') && ((f.min ?? 0) < 0 || (f.max ?? 0) < 0)) err('/min', 'lengths cannot be negative', 'min')
    if (f.regex !== undefined) {
      try { ruleRegex(f.regex) } catch { err('/regex', 'is not a valid regular expression', 'regex') }
    }
    if (f.refType !== undefined && f.refType !== ownKey && !registry.get(f.refType)) err('/refType', `no type "${f.refType}"`, 'reference')
  })
  return errors
}

/** A definition as stored: only the keys that mean something, custom fields never built-in. */
export function storedField (f: FieldDef): FieldDef {
  const out: FieldDef = { key: f.key, label: f.label, kind: f.kind }
  if (f.description !== undefined) out.description = f.description
  if (f.required) out.required = true
  for (const rule of ['regex', 'min', 'max', 'choices', 'refType'] as const) {
    if (f[rule] !== undefined) (out as unknown as Record<string, unknown>)[rule] = f[rule]
  }
  return out
}
