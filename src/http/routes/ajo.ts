import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { hasScope } from '../../auth/credentials.ts'
import { type AjoErrorContext, ajoErrorBody } from '../../bridge/ajo/ajo-error.ts'
import { ajoExecutionSchema, ajoExecutions } from '../../bridge/ajo/ajo-execution.ts'
import { GatewayError } from '../../domain/errors.ts'
import { parseOrThrow } from '../../pipeline/validate.ts'
import type { GatewayDeps } from '../gateway-deps.ts'
import { toGatewayError } from '../problem.ts'
import { MB, readBodyText, readJson } from '../read-json.ts'

/** The ids an error echoes, read from whatever body arrived. */
function contextOf(value: unknown): AjoErrorContext {
  if (!value || typeof value !== 'object') return {}
  const { requestId, campaignId } = value as Record<string, unknown>
  return {
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(typeof campaignId === 'string' ? { campaignId } : {}),
  }
}

/**
 * `POST /ajo/im/executions/unitary` (SPEC section 10). Authentication happens inside the handler so that
 * every error, 401 included, answers with Adobe's body rather than problem+json.
 */
export function registerAjoRoutes(app: OpenAPIHono, deps: GatewayDeps): void {
  const executions = ajoExecutions({ deps })

  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/ajo/im/executions/unitary',
    summary: 'AJO API-triggered campaign, unitary execution (1 to 20 recipients)',
    request: { body: { content: { 'application/json': { schema: ajoExecutionSchema } } } },
    responses: {
      202: { description: '{executionId, requestId, createdAt, createdBy}' },
      400: { description: 'Adobe error body' },
    },
  })
  app.post('/ajo/im/executions/unitary', async (c) => {
    let context: AjoErrorContext = {}
    try {
      const principal = await deps.keyring.fromHeader(c.req.header('authorization'))
      if (!principal) {
        context = await readContextQuietly(c)
        throw new GatewayError('UNAUTHORIZED', 'Missing or invalid credentials', {
          headers: { 'www-authenticate': 'Bearer' },
        })
      }
      if (!hasScope(principal, 'send')) throw new GatewayError('FORBIDDEN', 'This key lacks the send scope')
      const { value } = await readJson(c, MB)
      context = contextOf(value)
      const request = parseOrThrow(ajoExecutionSchema, value)
      const answer = await executions.execute(principal, request)
      return c.json(answer.body, 202, answer.replayed ? { 'idempotent-replayed': 'true' } : {})
    } catch (e) {
      const error = toGatewayError(e)
      if (error.code === 'INTERNAL') deps.logger.error({ err: e, requestId: c.get('requestId') }, 'AJO execution error')
      return new Response(JSON.stringify(ajoErrorBody(error, context)), {
        status: error.status,
        headers: { 'content-type': 'application/json', ...error.headers },
      })
    }
  })
}

/** Best effort, bounded to 64 KB: the ids of an unauthenticated call, for the error body only. */
async function readContextQuietly(c: Context): Promise<AjoErrorContext> {
  try {
    return contextOf(JSON.parse(await readBodyText(c, 64 * 1024)))
  } catch {
    return {}
  }
}
