import { startTestGateway } from '../support/test-gateway.ts'

/** The suppression tests' gateway: the whole app on the memory store. */
export const startSuppressionGateway = startTestGateway

/** A plain email request; `to` and `category` vary per test. */
export function email(to: string, category: 'transactional' | 'marketing' = 'transactional') {
  return { channel: 'email', to, category, content: { subject: 'Hello', text: 'Hi there' } }
}
