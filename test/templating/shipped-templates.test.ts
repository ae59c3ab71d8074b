import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkContentLimits, smsSegments } from '../../src/templating/content-limits.ts'
import { renderTemplate } from '../../src/templating/render-template.ts'
import { loadTemplates, type TemplateRegistry } from '../../src/templating/template-registry.ts'

const dir = fileURLToPath(new URL('../../templates', import.meta.url))
let registry: TemplateRegistry

beforeAll(async () => {
  registry = await loadTemplates({ dir })
})

describe('shipped templates', () => {
  it('load with the channels and meta SPEC section 11 lists', () => {
    expect(registry.names()).toEqual(
      expect.arrayContaining(['order-confirmation', 'password-reset', 'cart-abandonment', 'ajo-offer']),
    )
    expect(registry.channelsOf('order-confirmation')).toEqual(['email', 'sms', 'mms', 'push'])
    expect(registry.channelsOf('password-reset')).toEqual(['email', 'sms', 'mms'])
    expect(registry.channelsOf('cart-abandonment')).toEqual(['email', 'sms', 'mms'])
    expect(registry.channelsOf('ajo-offer')).toEqual(['email'])
    expect(registry.meta('order-confirmation')).toMatchObject({
      channel: 'email',
      category: 'transactional',
      requiredData: ['firstName', 'orderId', 'total'],
    })
    expect(registry.meta('password-reset')?.category).toBe('transactional')
    expect(registry.meta('cart-abandonment')?.category).toBe('marketing')
    expect(registry.meta('ajo-offer')).toMatchObject({ channel: 'email', category: 'marketing' })
  })

  describe('order-confirmation', () => {
    const data = {
      firstName: 'Ana',
      orderId: 'A-1',
      total: '42.00',
      items: [
        { name: 'Mug <large>', quantity: 2, price: '10.00' },
        { name: 'Tea', quantity: 1, price: '22.00' },
      ],
    }

    it('renders email with items, escaped in HTML only', () => {
      const email = renderTemplate(registry, { name: 'order-confirmation', channel: 'email', data })
      expect(email.subject).toBe('Your order A-1 is confirmed')
      expect(email.html).toContain('Thanks for your order, Ana!')
      expect(email.html).toContain('Mug &lt;large&gt;')
      expect(email.html).toContain('<strong>42.00</strong>')
      expect(email.text).toContain('- 2 x Mug <large>: 10.00\n- 1 x Tea: 22.00')
      expect(email.text).toContain('Total: 42.00')
      checkContentLimits('email', email)
    })

    it('renders email without the optional items', () => {
      const { items: _, ...withoutItems } = data
      const email = renderTemplate(registry, { name: 'order-confirmation', channel: 'email', data: withoutItems })
      expect(email.html).not.toContain('<th')
      expect(email.text).not.toContain('Items:')
      expect(email.text).not.toMatch(/\n{3}/)
    })

    it('refuses an item without a name, naming it', () => {
      const broken = { ...data, items: [{ quantity: 1, price: '1.00' }] }
      expect(() => renderTemplate(registry, { name: 'order-confirmation', channel: 'email', data: broken })).toThrow(
        'Missing variable "name" in template "order-confirmation" (email.html.hbs)',
      )
    })

    it('checks its required data first', () => {
      expect(() =>
        renderTemplate(registry, {
          name: 'order-confirmation',
          channel: 'sms',
          data: { firstName: 'A', orderId: 'B' },
        }),
      ).toThrow('Missing required data "total" for template "order-confirmation"')
    })

    it('renders a one-segment GSM-7 SMS', () => {
      const { body = '' } = renderTemplate(registry, { name: 'order-confirmation', channel: 'sms', data })
      expect(body).toBe('Hi Ana, your order A-1 is confirmed. Total: 42.00. We will text you when it ships.')
      expect(smsSegments(body)).toEqual({ segments: 1, encoding: 'GSM-7' })
    })

    it('renders push fields', () => {
      const content = renderTemplate(registry, {
        name: 'order-confirmation',
        channel: 'push',
        data: { ...data, firstName: 'Zoë "Z"' },
      })
      expect(content).toEqual({
        push: {
          title: 'Order A-1 confirmed',
          body: 'Thanks Zoë "Z"! Your total is 42.00.',
          data: { type: 'order-confirmation', orderId: 'A-1' },
        },
      })
      checkContentLimits('push', content)
    })
  })

  describe('password-reset', () => {
    const resetUrl = 'https://shop.example/reset?token=abc&user=7'

    it('renders email with and without firstName, keeping the link usable', () => {
      const named = renderTemplate(registry, {
        name: 'password-reset',
        channel: 'email',
        data: { resetUrl, firstName: 'Bo' },
      })
      expect(named.subject).toBe('Reset your password')
      expect(named.html).toContain('href="https://shop.example/reset?token&#x3D;abc&amp;user&#x3D;7"')
      expect(named.text).toMatch(/^Hi Bo,/)
      expect(named.text).toContain(resetUrl)
      const anonymous = renderTemplate(registry, { name: 'password-reset', channel: 'email', data: { resetUrl } })
      expect(anonymous.text).toMatch(/^Hello,/)
    })

    it('renders SMS', () => {
      const sms = renderTemplate(registry, { name: 'password-reset', channel: 'sms', data: { resetUrl } })
      expect(sms.body).toBe(`Reset your password here: ${resetUrl} If you did not ask for this, ignore this message.`)
      const named = renderTemplate(registry, {
        name: 'password-reset',
        channel: 'sms',
        data: { resetUrl, firstName: 'Bo' },
      })
      expect(named.body).toMatch(/^Hi Bo, reset your password here:/)
      expect(smsSegments(named.body ?? '').encoding).toBe('GSM-7')
    })

    it('requires resetUrl', () => {
      expect(() =>
        renderTemplate(registry, { name: 'password-reset', channel: 'sms', data: { firstName: 'Bo' } }),
      ).toThrow('"resetUrl"')
    })
  })

  describe('cart-abandonment', () => {
    const cartUrl = 'https://shop.example/cart/9'

    it('renders email with the optional product and amount', () => {
      const data = { firstName: 'Cy', cartUrl, lastProduct: 'Desk lamp', cartAmount: '$30.00' }
      const email = renderTemplate(registry, { name: 'cart-abandonment', channel: 'email', data })
      expect(email.subject).toBe('Cy, you left something in your cart')
      expect(email.html).toContain(
        '<strong>Desk lamp</strong> is still in your cart, for a total of <strong>$30.00</strong>',
      )
      expect(email.text).toContain('Desk lamp is still in your cart, for a total of $30.00.')
      expect(email.text).toContain(`Back to my cart: ${cartUrl}`)
    })

    it('renders email and SMS without the optional fields', () => {
      const data = { firstName: 'Cy', cartUrl }
      const email = renderTemplate(registry, { name: 'cart-abandonment', channel: 'email', data })
      expect(email.text).toContain('Your cart is still waiting for you. We saved it')
      const sms = renderTemplate(registry, { name: 'cart-abandonment', channel: 'sms', data })
      expect(sms.body).toBe(`Hi Cy, your items are still in your cart: ${cartUrl} Reply STOP to opt out.`)
    })

    it('renders SMS with the optional fields', () => {
      const data = { firstName: 'Cy', cartUrl, lastProduct: 'Desk lamp', cartAmount: '$30.00' }
      const sms = renderTemplate(registry, { name: 'cart-abandonment', channel: 'sms', data })
      expect(sms.body).toBe(`Hi Cy, Desk lamp is still in your cart ($30.00): ${cartUrl} Reply STOP to opt out.`)
      expect(smsSegments(sms.body ?? '')).toEqual({ segments: 1, encoding: 'GSM-7' })
    })
  })

  describe('ajo-offer', () => {
    it('renders from an AJO context with all fields', () => {
      const context = {
        firstName: 'Dee',
        offerCode: 'SAVE10',
        offerDescription: '10% off & free shipping',
        offerUrl: 'https://shop.example/o',
        expiresOn: '31 Dec',
      }
      const email = renderTemplate(registry, { name: 'ajo-offer', channel: 'email', data: { context } })
      expect(email.subject).toBe('Dee, your exclusive offer is inside')
      expect(email.html).toContain('>SAVE10</span>')
      expect(email.html).toContain('10% off &amp; free shipping')
      expect(email.text).toContain('Your code: SAVE10')
      expect(email.text).toContain('Use it here: https://shop.example/o')
      expect(email.text).toContain('Valid until 31 Dec.')
    })

    it('renders with only the offer code', () => {
      const email = renderTemplate(registry, {
        name: 'ajo-offer',
        channel: 'email',
        data: { context: { offerCode: 'X1' } },
      })
      expect(email.subject).toBe('Your exclusive offer is inside')
      expect(email.text).toBe('This one is for you\n\nEnjoy an exclusive offer, just for you.\n\nYour code: X1\n')
    })

    it('requires context.offerCode', () => {
      expect(() => renderTemplate(registry, { name: 'ajo-offer', channel: 'email', data: { context: {} } })).toThrow(
        'Missing required data "context.offerCode" for template "ajo-offer"',
      )
    })
  })
})
