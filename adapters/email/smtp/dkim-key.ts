/**
 * `DKIM_PRIVATE_KEY` is PEM text or a path to a PEM file (SPEC section 1); nodemailer wants the text.
 * Read once at start, so a missing file stops the gateway instead of failing every message.
 */
import { readFileSync } from 'node:fs'

export function dkimPrivateKeyOf(value: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n')
  try {
    return readFileSync(value, 'utf8')
  } catch (error) {
    throw new Error(
      `DKIM private key: ${value} is neither PEM text nor a readable file (${(error as Error).message})`,
      {
        cause: error,
      },
    )
  }
}
