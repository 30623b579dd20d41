/**
 * The one loader: reads each variable of a set of settings from the environment once, applies
 * defaults, checks everything against the schema, and reports every bad variable in one message.
 * @module
 */
import { hostname as machineName } from 'node:os'
import type { Static, TObject, TProperties } from 'typebox'
import { Compile } from 'typebox/compile'
import { ConfigError } from './errors.js'
import { readValue } from './read.js'
import type { Settings, Source } from './setting.js'

export interface LoadOptions {
  /** Default folder for `data/`, `certs/` and `media/`. */
  repoRoot: string
  /** Base of relative paths; default the process's working directory. */
  cwd?: string
  /** The machine name in defaults (the gateway's instance id); default the OS's. */
  hostname?: string
  /**
   * Values from elsewhere that win over the environment (the gateway's command line): the text and
   * the name errors use for it (`--port`).
   */
  overrides?: Record<string, { text: string; name: string } | undefined>
}

export interface Loaded<P extends TProperties> {
  config: Static<TObject<P>>
  /** One line per deprecated variable name in use, for the start-up log. */
  warnings: string[]
}

interface Read {
  value: unknown
  /** What the user typed (for error messages), when the value did not come from a default. */
  text?: string
  /** The name the value came from: the variable, its former name, or a command-line flag. */
  name: string
}

const compiled = new WeakMap<TObject, ReturnType<typeof Compile>>()

function compile(schema: TObject): ReturnType<typeof Compile> {
  let validator = compiled.get(schema)
  if (!validator) {
    validator = Compile(schema)
    compiled.set(schema, validator)
  }
  return validator
}

/** The variable's text: the current name first, else a former one (noted for a warning). */
function lookUp(
  env: NodeJS.ProcessEnv,
  source: Source,
  warnings: string[],
): { text: string; name: string } | undefined {
  const current = env[source.env]
  if (current !== undefined && (current !== '' || source.emptyIsValue)) return { text: current, name: source.env }
  for (const former of source.formerly ?? []) {
    const text = env[former]
    if (text === undefined || (text === '' && !source.emptyIsValue)) continue
    warnings.push(`${former} is deprecated and will stop working in the next release: set ${source.env} instead`)
    return { text, name: former }
  }
  return undefined
}

/** Every variable a set of settings reads, current and former names, in order (for usage text). */
export function variableNames(settings: Settings): string[] {
  return Object.values(settings.sources).map((source) => source.env)
}

export function loadSettings<P extends TProperties>(
  settings: Settings<P>,
  env: NodeJS.ProcessEnv,
  options: LoadOptions,
): Loaded<P> {
  const cwd = options.cwd ?? process.cwd()
  const context = { repoRoot: options.repoRoot, hostname: options.hostname ?? machineName() }
  const warnings: string[] = []
  const values: Record<string, unknown> = {}
  const reads = new Map<string, Read>()
  for (const [field, source] of Object.entries(settings.sources) as [string, (typeof settings.sources)[keyof P]][]) {
    const given = options.overrides?.[field] ?? lookUp(env, source, warnings)
    const value = given === undefined ? undefined : readValue(source.read, given.text, cwd)
    if (value !== undefined) {
      values[field] = value
      reads.set(field, { value, text: given!.text, name: given!.name })
      continue
    }
    const fallback =
      typeof source.default === 'function' ? source.default({ ...context, values }) : (source.default as unknown)
    if (fallback !== undefined) values[field] = fallback
    reads.set(field, { value: fallback, name: source.env })
  }

  const name = (field: string) => reads.get(field)?.name ?? settings.sources[field as keyof P]?.env ?? field
  const problems = new Map<string, string>()
  const describe = (field: string) => {
    const source = settings.sources[field as keyof P]
    if (source?.secret) return 'value not shown'
    const read = reads.get(field)
    return `got ${JSON.stringify(read?.text ?? read?.value)}`
  }
  const validator = compile(settings.schema)
  if (!validator.Check(values)) {
    // One problem per variable: the first error of each field (a union reports one error per member).
    for (const error of validator.Errors(values)) {
      const field = error.instancePath.split('/')[1]
      if (!field || problems.has(field)) continue
      const message = settings.sources[field as keyof P]?.message ?? error.message
      problems.set(field, `${name(field)} ${message} (${describe(field)})`)
    }
  }
  for (const [field, source] of Object.entries(settings.sources) as [string, Source][]) {
    if (problems.has(field) || !source.validate || values[field] === undefined) continue
    const problem = source.validate(values[field] as never)
    if (problem) problems.set(field, `${name(field)} ${problem}`)
  }
  if (problems.size === 0) {
    for (const problem of settings.checks.flatMap((check) => check(values, name))) problems.set(problem, problem)
  }
  if (problems.size > 0) throw new ConfigError(`Invalid configuration: ${[...problems.values()].join('; ')}`)
  return { config: values as Static<TObject<P>>, warnings }
}
