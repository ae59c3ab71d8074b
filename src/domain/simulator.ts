/** Reserved recipients of the sandbox adapters (SPEC section 9): deterministic outcomes for integrators. */
export const simulatorEmails = {
  bounce: 'bounce@simulator.test',
  softbounce: 'softbounce@simulator.test',
  complaint: 'complaint@simulator.test',
  optout: 'optout@simulator.test',
  timeout: 'timeout@simulator.test',
} as const
export const simulatorPhones = {
  bounce: '+15550000001',
  softbounce: '+15550000002',
  optout: '+15550000003',
  timeout: '+15550000004',
} as const
export const simulatorTokens = { bounce: 'invalid-token', softbounce: 'rate-limited' } as const

export type SimulatedOutcome = 'bounce' | 'softbounce' | 'complaint' | 'optout' | 'timeout' | 'deliver'

const byAddress = new Map<string, SimulatedOutcome>([
  ...Object.entries(simulatorEmails).map(([k, v]) => [v, k as SimulatedOutcome] as const),
  ...Object.entries(simulatorPhones).map(([k, v]) => [v, k as SimulatedOutcome] as const),
  ...Object.entries(simulatorTokens).map(([k, v]) => [v, k as SimulatedOutcome] as const),
])

/** The simulated outcome for a recipient address, phone or token. */
export function simulatedOutcome(address: string): SimulatedOutcome {
  return byAddress.get(address) ?? 'deliver'
}

/** Intake never suppresses a simulator recipient, so they behave the same every time. */
export function isSimulatorRecipient(address: string): boolean {
  return byAddress.has(address)
}
