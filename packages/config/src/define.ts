import { type TProperties, Type } from 'typebox'
import type { CrossCheck, Settings, Sources } from './setting.js'

/** One concern's settings: the TypeBox properties and, for each, where its value comes from. */
export function defineSettings<P extends TProperties>(
  properties: P,
  sources: Sources<P>,
  checks: readonly CrossCheck[] = [],
): Settings<P> {
  return { schema: Type.Object(properties), sources, checks }
}

type PropertiesOf<S> = S extends Settings<infer P> ? P : never
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/** Several concerns as one config (fields in the order given; a later concern's field replaces an earlier one's). */
export function combine<const L extends readonly Settings[]>(
  ...list: L
): Settings<Extract<Intersection<PropertiesOf<L[number]>>, TProperties>> {
  const properties: TProperties = {}
  const sources: Record<string, unknown> = {}
  for (const settings of list) {
    Object.assign(properties, settings.schema.properties)
    Object.assign(sources, settings.sources)
  }
  return {
    schema: Type.Object(properties),
    sources: sources as never,
    checks: list.flatMap((settings) => settings.checks),
  } as never
}
