import Handlebars from 'handlebars'
import { markVariableLookups, rawHelper, valueHelper } from './strict-variables.ts'
import { type TemplateFileName, templateFiles } from './template-files.ts'
import { templateHelpers } from './template-helpers.ts'

/** One compiled template file: data in, text out. The registry holds only these, whatever produced them. */
export type RenderFile = (data: unknown) => string

type CompileOptions = NonNullable<Parameters<typeof Handlebars.precompile>[1]>
type TemplateSpec = ReturnType<typeof Handlebars.precompile>

/** Handlebars' compiler stages, public on every environment but missing from its type declarations. */
interface CompilerStages {
  Compiler: new () => { compile(program: unknown, options: CompileOptions): unknown }
  JavaScriptCompiler: new () => {
    compile(environment: unknown, options: CompileOptions, context: undefined, asObject: true): TemplateSpec
  }
}

/** The parsed program of one file and the compile options every build of it uses (runtime or precompiled). */
function parseTemplateFile({ source, file, path }: { source: string; file: TemplateFileName; path: string }) {
  const escaping = templateFiles[file]
  const env = Handlebars.create()
  const options: CompileOptions = {
    data: true,
    noEscape: escaping !== 'html',
    knownHelpersOnly: true,
    // `log` would write to the console; `json` exists only in JSON files.
    knownHelpers: { [valueHelper]: true, [rawHelper]: true, json: escaping === 'json', log: false },
  }
  const fail = (error: unknown) =>
    new Error(`Broken template ${path}:${errorLine(error)}: ${(error as Error).message}`, { cause: error })
  try {
    const program = markVariableLookups(env.parse(escaping === 'json' ? separateClosingBraces(source) : source))
    return { env, escaping, options, program, fail }
  } catch (error) {
    throw fail(error)
  }
}

/**
 * Parses and compiles one template file at load time, in an environment of its own (no helper or partial
 * is shared between files). A syntax error, or a helper that does not exist, throws an Error naming the file
 * path and line so the gateway refuses to start rather than failing a request later.
 */
export function compileTemplateFile({
  source,
  file,
  template,
  path,
}: {
  source: string
  file: TemplateFileName
  template: string
  /** Where the source came from, for load errors. */
  path: string
}): RenderFile {
  const { env, escaping, options, program, fail } = parseTemplateFile({ source, file, path })
  env.registerHelper(templateHelpers({ escaping, template, file }))
  let spec: TemplateSpec
  try {
    const stages = env as unknown as CompilerStages
    // Eager version of what `env.compile` does lazily on first render.
    spec = new stages.JavaScriptCompiler().compile(
      new stages.Compiler().compile(program, options),
      options,
      undefined,
      true,
    )
  } catch (error) {
    throw fail(error)
  }
  const render = env.template(spec)
  return (data) => render(data)
}

/**
 * The build-time twin of `compileTemplateFile`: the same parse and options, but the spec comes out as
 * JavaScript source (`Handlebars.precompile`) to bundle into the Worker, where `new Function` is forbidden.
 */
export function precompileTemplateFile({
  source,
  file,
  path,
}: {
  source: string
  file: TemplateFileName
  path: string
}): string {
  const { env, options, program, fail } = parseTemplateFile({ source, file, path })
  try {
    // Typed as a spec object in handlebars' declarations; what it returns is the spec's JavaScript source.
    return env.precompile(program, options) as unknown as string
  } catch (error) {
    throw fail(error)
  }
}

/**
 * In JSON, `{"n": {{json n}}}` is natural, but Handlebars reads `}}}` (or `}}}}` after `{{{x`) as another
 * closing token and fails. A space goes between a mustache's close and a brace that follows it; lines do not move.
 */
function separateClosingBraces(source: string): string {
  return source.replace(/(?<!\{)(\{\{\{(?!\{)[^{}]*?\}\}\}|\{\{(?!\{)[^{}]*?\}\})\}/g, '$1 }')
}

function errorLine(error: unknown): number {
  const { lineNumber, message } = error as { lineNumber?: number; message?: string }
  if (typeof lineNumber === 'number') return lineNumber
  const match = /on line (\d+)/.exec(message ?? '')
  return match?.[1] ? Number(match[1]) : 1
}
