import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

/**
 * Payload schemas are compiled strictly (an unknown keyword or format is an error, not silently
 * ignored), by an Ajv instance of their own: one per kernel, so two kernels in one process (the
 * tests) never clash over a schema's `$id`.
 */
export function eventSchemaCompiler (): (schema: object) => ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  addFormats.default(ajv)
  return schema => ajv.compile(schema)
}
