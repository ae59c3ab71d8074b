import { describe, expect, it } from 'vitest'
import { enhancedStatusOf, queueIdOf, smtpOutcomeOf } from '../../../adapters/email/smtp/smtp-outcome.ts'

/** A nodemailer error as its SMTP connection formats them. */
const failure = (command: string, response?: string, code = 'EENVELOPE') => ({
  message: 'failed',
  code,
  command,
  ...(response ? { response, responseCode: Number(response.slice(0, 3)) } : {}),
})
const before = { dataSent: false }

describe('smtpOutcomeOf: the cases a local server cannot easily produce', () => {
  it.each([
    ['RCPT TO', '550 5.1.1 user unknown', 'HARD_BOUNCE', false, 'hard_bounce'],
    ['RCPT TO', '553 5.1.3 bad address syntax', 'HARD_BOUNCE', false, 'hard_bounce'],
    ['RCPT TO', '551 user not local', 'HARD_BOUNCE', false, 'hard_bounce'],
    ['RCPT TO', '553 mailbox name not allowed', 'HARD_BOUNCE', false, 'hard_bounce'],
    ['DATA', '550 5.1.1 user unknown', 'HARD_BOUNCE', false, 'hard_bounce'],
    ['DATA', '550 rejected', 'PROVIDER_SMTP_550', false, undefined],
    ['RCPT TO', '554 5.7.1 relay access denied', 'PROVIDER_SMTP_554', false, undefined],
    ['MAIL FROM', '553 5.1.8 sender domain does not exist', 'PROVIDER_SMTP_553', false, undefined],
    ['RCPT TO', '550 5.1.7 bad sender mailbox', 'PROVIDER_SMTP_550', false, undefined],
    ['RCPT TO', '450 4.2.1 mailbox busy', 'PROVIDER_SMTP_450', true, 'soft_bounce'],
    ['DATA', '452 4.3.1 insufficient storage', 'PROVIDER_SMTP_452', true, 'soft_bounce'],
    ['DATA', '552 5.2.2 mailbox full', 'PROVIDER_SMTP_552', true, 'soft_bounce'],
    ['MAIL FROM', '451 4.3.0 local problem', 'PROVIDER_SMTP_451', true, undefined],
    ['RCPT TO', '421 4.4.2 closing', 'NETWORK', true, undefined],
    ['CONN', '421 too many connections', 'NETWORK', true, undefined],
    ['AUTH PLAIN', '454 4.7.0 temporary auth failure', 'NETWORK', true, undefined],
    ['AUTH PLAIN', '535 5.7.8 bad credentials', 'PROVIDER_SMTP_535', false, undefined],
    ['DATA', '554 5.7.1 spam', 'PROVIDER_SMTP_554', false, undefined],
  ])('%s %s → %s', (command, response, code, retryable, suppress) => {
    const result = smtpOutcomeOf(failure(command, response), before)
    expect(result).toMatchObject({ ok: false, code, retryable })
    expect(result.ok ? undefined : result.suppress?.kind).toBe(suppress)
    expect(result).not.toHaveProperty('ambiguous')
  })

  it('connection errors before DATA are retryable NETWORK; after DATA they are AMBIGUOUS', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS']) {
      expect(smtpOutcomeOf(failure('CONN', undefined, code), before)).toMatchObject({
        code: 'NETWORK',
        retryable: true,
      })
      expect(smtpOutcomeOf(failure('CONN', undefined, code), { dataSent: true })).toEqual(
        expect.objectContaining({ code: 'AMBIGUOUS', ambiguous: true, retryable: false }),
      )
    }
  })

  it('a reply that arrives after DATA is an answer, not an ambiguity', () => {
    expect(smtpOutcomeOf(failure('DATA', '451 4.3.0 try later'), { dataSent: true })).toMatchObject({
      code: 'PROVIDER_SMTP_451',
      retryable: true,
    })
  })

  it('problems nodemailer finds before talking to the server are permanent', () => {
    expect(smtpOutcomeOf(failure('API', undefined, 'EENVELOPE'), before)).toMatchObject({
      code: 'PROVIDER_SMTP_EENVELOPE',
      retryable: false,
    })
  })
})

describe('reply readers', () => {
  it('reads enhanced status codes', () => {
    expect(enhancedStatusOf('550 5.1.1 <a@b>: unknown')).toBe('5.1.1')
    expect(enhancedStatusOf('550-5.1.1 first line')).toBe('5.1.1')
    expect(enhancedStatusOf('550 user unknown 5.1.1')).toBeUndefined()
    expect(enhancedStatusOf(undefined)).toBeUndefined()
  })

  it('reads queue ids of common relays', () => {
    expect(queueIdOf('250 2.0.0 Ok: queued as 4Bc1X2yZ')).toBe('4Bc1X2yZ')
    expect(queueIdOf('250 OK id=1rAbC-0001Xy-2Q')).toBe('1rAbC-0001Xy-2Q')
    expect(queueIdOf('250 OK')).toBeUndefined()
  })
})
