import { describe, expect, it } from 'vitest'
import { classifySmsKeyword } from '../../../src/suppression/sms-keywords.ts'

describe('classifySmsKeyword', () => {
  it.each(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'NO'])(
    '%s opts out',
    (word) => {
      expect(classifySmsKeyword(word)).toBe('opt_out')
      expect(classifySmsKeyword(word.toLowerCase())).toBe('opt_out')
    },
  )

  it.each(['START', 'UNSTOP', 'YES', 'SUBSCRIBE', 'CONTINUE', 'RESUME', 'BEGIN'])('%s opts in', (word) => {
    expect(classifySmsKeyword(word)).toBe('opt_in')
  })

  it.each(['HELP', 'INFO'])('%s asks for help', (word) => {
    expect(classifySmsKeyword(word)).toBe('help')
  })

  it('takes the whole body, trimmed, in any case', () => {
    expect(classifySmsKeyword(' Stop ')).toBe('opt_out')
    expect(classifySmsKeyword('\n\tsToP\r\n')).toBe('opt_out')
    expect(classifySmsKeyword('  start')).toBe('opt_in')
    expect(classifySmsKeyword('Help ')).toBe('help')
  })

  it.each(['please stop texting me', 'STOP!', 'stop it', 'no thanks', 'STO P', '', '   ', 'helpful'])(
    '%j is not a keyword',
    (body) => {
      expect(classifySmsKeyword(body)).toBeNull()
    },
  )
})
