import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { spyOn, spyOnAsync } from './index.ts';

class Mailer {
  static async create(): Promise<void> {
    await Promise.resolve();
  }
  sent: string[] = [];
  async send(to: string): Promise<string> {
    await Promise.resolve();
    this.sent.push(to);
    return `queued:${to}`;
  }
}

describe('spyOnAsync', () => {
  test('calls through to the real method with the right this, tracking awaits', async () => {
    // Arrange
    const mailer = new Mailer();
    using send = spyOnAsync(mailer, 'send');

    // Act
    const result = await mailer.send('ada@example.com');

    // Assert
    expect(result).toBe('queued:ada@example.com');
    expect(mailer.sent).toEqual(['ada@example.com']);
    send.assertAwaitedOnceWith('ada@example.com');
  });

  test('behaviour can be changed like any async mock', async () => {
    const mailer = new Mailer();
    using send = spyOnAsync(mailer, 'send');
    send.rejectsOnce(new Error('SMTP down'));

    await expect(mailer.send('a@example.com')).rejects.toThrow('SMTP down');
    await expect(mailer.send('b@example.com')).resolves.toBe('queued:b@example.com');
    expect(mailer.sent).toEqual(['b@example.com']);
  });

  test('restore() puts an inherited method back by removing the own property', () => {
    const mailer = new Mailer();
    const spy = spyOnAsync(mailer, 'send');

    spy.restore();

    expect(Object.hasOwn(mailer, 'send')).toBe(false);
    expect(mailer.send).toBe(Mailer.prototype.send);
  });

  test('leaving a using block restores an own method exactly', () => {
    const original = async (): Promise<number> => {
      await Promise.resolve();
      return 1;
    };
    const client = { fetchRate: original };

    {
      using _spy = spyOnAsync(client, 'fetchRate');
      expect(client.fetchRate).not.toBe(original);
    }

    expect(client.fetchRate).toBe(original);
  });

  test('spying on something that is not a method names it and says how to fix it', () => {
    const config = { url: 'postgres://localhost' } as unknown as { url: () => Promise<void> };

    let error: unknown;
    try {
      spyOnAsync(config, 'url');
    } catch (caught) {
      error = caught;
    }

    expect(isFrayError(error) && error.code).toBe('FRAY_MOCK_USAGE');
    expect((error as Error).message).toContain('spyOnAsync: Object.url is a string, not a method.');
  });
});

describe('spyOn keeps the method’s kind', () => {
  class Invoice {
    static formatNumber(n: number): string {
      return `INV-${n}`;
    }
    total(): number {
      return 42;
    }
    async send(): Promise<string> {
      await Promise.resolve();
      return 'sent';
    }
    fetchPdf(): Promise<string> {
      return Promise.resolve('%PDF');
    }
  }

  test('a sync method stays sync and is called through', () => {
    const invoice = new Invoice();
    using total = spyOn(invoice, 'total');

    const value = invoice.total();

    expect(value).toBe(42);
    total.assertCalledOnce();
  });

  test('a static method stays sync and is named after its class, not Function', () => {
    using format = spyOn(Invoice, 'formatNumber');

    expect(Invoice.formatNumber(7)).toBe('INV-7');

    format.assertCalledOnceWith(7);
    expect(format.mockName).toBe('Invoice.formatNumber');
  });

  test('an async method gets an async spy', async () => {
    const invoice = new Invoice();
    using send = spyOn(invoice, 'send');

    await expect(invoice.send()).resolves.toBe('sent');

    send.assertAwaitedOnce();
  });

  test('a plain method returning a promise becomes async when given async behaviour', async () => {
    const invoice = new Invoice();
    using pdf = spyOn(invoice, 'fetchPdf');
    pdf.resolvesOnce('%FAKE');

    await expect(invoice.fetchPdf()).resolves.toBe('%FAKE');
    await expect(invoice.fetchPdf()).resolves.toBe('%PDF');

    pdf.assertAwaited();
    expect(pdf.awaitCount).toBe(2);
  });

  test('restore() and using put the original back', () => {
    const invoice = new Invoice();

    {
      using _total = spyOn(invoice, 'total');
      expect(Object.hasOwn(invoice, 'total')).toBe(true);
    }

    expect(Object.hasOwn(invoice, 'total')).toBe(false);
    expect(invoice.total()).toBe(42);
  });

  test('spyOnAsync on a sync method rejects the call with FRAY_MOCK_USAGE instead of returning a promise silently', async () => {
    const invoice = new Invoice();
    using _spy = spyOnAsync(invoice, 'total' as never);

    const outcome = (invoice.total as unknown as () => Promise<unknown>)();

    await expect(outcome).rejects.toMatchObject({ code: 'FRAY_MOCK_USAGE' });
    await expect(outcome).rejects.toThrow(
      'spyOnAsync: Invoice.total() returned a plain value, 42, not a promise: it is a sync method',
    );
  });

  test('spyOnAsync on a static method is named after its class', () => {
    using create = spyOnAsync(Mailer as unknown as { create(): Promise<void> }, 'create');

    expect(create.mockName).toBe('Mailer.create');
  });
});
