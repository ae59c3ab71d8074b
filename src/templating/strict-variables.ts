import type Handlebars from 'handlebars'

type Program = ReturnType<typeof Handlebars.parse>
type Statement = Program['body'][number]
type Mustache = hbs.AST.MustacheStatement
type Path = hbs.AST.PathExpression

/** Helper that writes a looked-up value and refuses `undefined`; `{{x}}` becomes `{{valueHelper x "x"}}`. */
export const valueHelper = '__value'
/** Same as `valueHelper` for triple-stash `{{{x}}}`: the value is written without any escaping. */
export const rawHelper = '__raw'

/**
 * Rewrites every plain `{{path}}` into a call of `valueHelper` carrying the path as written, so a missing
 * variable can be reported by name. Handlebars' own `strict` mode names only the last segment, lets a present
 * key holding `undefined` through, and cannot tell `{{x}}` from `{{#each x}}`; block helpers and their
 * parameters are left alone so `{{#if missing}}` keeps working. `{{json x}}` gets the path as `path=` too.
 */
export function markVariableLookups(program: Program): Program {
  visit(program.body)
  return program
}

function visit(body: Statement[]): void {
  for (const statement of body) {
    if (statement.type === 'MustacheStatement') mark(statement as Mustache)
    const block = statement as Partial<hbs.AST.BlockStatement>
    if (block.program) visit(block.program.body)
    if (block.inverse) visit(block.inverse.body)
  }
}

function mark(mustache: Mustache): void {
  const { path, params, hash } = mustache
  if (path.type !== 'PathExpression' || hash) return
  const lookup = path as Path
  if (params.length === 0) {
    mustache.path = helperPath(mustache.escaped ? valueHelper : rawHelper, lookup.loc)
    mustache.params = [lookup, stringLiteral(lookup.original, lookup.loc)]
    return
  }
  const [param] = params
  if (isHelperName(lookup, 'json') && params.length === 1 && param?.type === 'PathExpression') {
    const pair: hbs.AST.HashPair = {
      type: 'HashPair',
      key: 'path',
      value: stringLiteral((param as Path).original, param.loc),
      loc: param.loc,
    }
    mustache.hash = { type: 'Hash', pairs: [pair], loc: param.loc }
  }
}

function isHelperName(path: Path, name: string): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1 && path.parts[0] === name
}

function helperPath(name: string, loc: hbs.AST.SourceLocation): Path {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc }
}

function stringLiteral(value: string, loc: hbs.AST.SourceLocation): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc }
}
