import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { spyOnAsync } from './index.ts';

class Mailer {
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
