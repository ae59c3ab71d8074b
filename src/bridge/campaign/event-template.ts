import type { TemplateRegistry } from '../../templating/template-registry.ts'

/** `cartAbandonment` → `cart-abandonment`: `-` at lower→upper boundaries, `_` → `-`, lower-cased. */
export function kebabEventType(type: string): string {
  return type
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replaceAll('_', '-')
    .toLowerCase()
}

/**
 * The template an event type names (SPEC section 10): `templates/<type>/`, else its kebab-case form.
 * Undefined means the event is `routingFailed`.
 */
export function templateForEvent(templates: TemplateRegistry, type: string): string | undefined {
  if (!type) return undefined
  if (templates.get(type)) return type
  const kebab = kebabEventType(type)
  return templates.get(kebab) ? kebab : undefined
}
