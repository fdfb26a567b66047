import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { explore } from './index.ts';
import { wrap } from './wrap.ts';

/** A pool-like client: private state, async and sync members, an event emitter. */
class FakePool extends EventEmitter {
  #rows = new Map<number, string>([[1, 'Ada']]);
  readonly released: number[] = [];
  async query(id: number): Promise<string | undefined> {
    await Promise.resolve();
    return this.#rows.get(id);
  }
  async connect(): Promise<FakeClient> {
    await Promise.resolve();
    return new FakeClient(this);
  }
  escapeLiteral(text: string): string {
    return `'${text}'`;
  }
  _internal(): string {
    return 'private';
  }
}

class FakeClient {
  readonly #pool: FakePool;
  constructor(pool: FakePool) {
    this.#pool = pool;
  }
  async query(id: number): Promise<string | undefined> {
    return this.#pool.query(id);
  }
  release(): void {
    this.#pool.released.push(1);
  }
}

describe('ctl.wrap', () => {
  it('turns each async method call into a controlled operation labelled label.method', async () => {
    // Act
    const result = await explore({
      runs: 1,
      quiet: true,
      setup: (ctl) => ({ pool: ctl.wrap(new FakePool(), 'db') }),
      tasks: ({ pool }) => ({
        reader: async () => {
          const client = await pool.connect();
          try {
            return [await pool.query(1), await client.query(1), pool.escapeLiteral('x'), pool._internal()];
          } finally {
            client.release();
          }
        },
      }),
      check: () => {
        throw new Error('show me the timeline');
      },
    });
    // Assert
    const report = result.failure?.report ?? '';
    expect(result.failure?.outcomes[0]).toMatchObject({
      status: 'fulfilled',
      value: ['Ada', 'Ada', "'x'", 'private'],
    });
    expect(report).toContain('start    db.connect()');
    expect(report).toContain('start    db.query(1)');
    expect(report).toContain('start    db.connect().query(1)');
    expect(report).not.toContain('escapeLiteral');
    expect(report).not.toContain('release');
  });

  it('keeps private fields working, events flowing, and chaining returning the wrapper', () => {
    // Arrange
    const pool = new FakePool();
    const wrapped = wrap(pool, 'db');
    const heard: string[] = [];
    // Act
    const chained = wrapped.on('ping', (message: string) => heard.push(message));
    pool.emit('ping', 'pong');
    // Assert
    expect(chained).toBe(wrapped);
    expect(heard).toEqual(['pong']);
    expect(wrapped).toBeInstanceOf(FakePool);
    expect(wrap(wrapped, 'again')).toBe(wrapped);
  });

  it('passes calls straight through outside an exploration', async () => {
    // Arrange
    const pool = wrap(new FakePool(), 'db');
    // Act
    const name = await pool.query(1);
    const client = await pool.connect();
    // Assert
    expect(name).toBe('Ada');
    expect(await client.query(1)).toBe('Ada');
  });

  it('wraps a single async function under its label', async () => {
    // Arrange
    const send = (to: string): Promise<string> => Promise.resolve(`sent to ${to}`);
    // Act
    const result = await explore({
      runs: 1,
      quiet: true,
      setup: (ctl) => ({ send: ctl.wrap(send, 'mailer.send') }),
      tasks: ({ send }) => ({ notify: () => send('ada@example.com') }),
      check: () => {
        throw new Error('timeline');
      },
    });
    // Assert
    expect(result.failure?.report).toContain("start    mailer.send('ada@example.com')");
    expect(result.failure?.report).toContain("deliver  mailer.send → 'sent to ada@example.com'");
  });

  it('controls only the listed methods, or all but the excluded ones', async () => {
    // Arrange
    const labels: string[] = [];
    const collect = async (options: { methods?: string[]; exclude?: string[] }) => {
      const result = await explore({
        runs: 1,
        quiet: true,
        setup: (ctl) => ({ pool: ctl.wrap(new FakePool(), 'db', options) }),
        tasks: ({ pool }) => ({ t: async () => [await pool.query(1), await pool.connect()] }),
        check: () => {
          throw new Error('timeline');
        },
      });
      labels.push(
        /db\.query/.test(result.failure?.report ?? '') ? 'query' : '-',
        /db\.connect/.test(result.failure?.report ?? '') ? 'connect' : '-',
      );
    };
    // Act
    await collect({ methods: ['query'] });
    await collect({ exclude: ['query'] });
    // Assert
    expect(labels).toEqual(['query', '-', '-', 'connect']);
  });

  it.each([
    ['the first to start answers last', 25, 1],
    ['the first to start answers first', 1, 25],
  ])(
    'delivers real work that finished in one window in the order it started: %s',
    async (_case, slowFirst, slowSecond) => {
      // Arrange — a real lock: the first call waits, in real time, for the second to take it,
      // so both answer in the same window, in an order only the real timers decide.
      const lock = (): { wait: Promise<void>; open: () => void } => {
        let open = (): void => {};
        const wait = new Promise<void>((resolve) => (open = resolve));
        return { wait, open };
      };
      const delivered: string[] = [];
      // Act
      const result = await explore({
        strategy: 'dfs',
        runs: 1,
        quiet: true,
        setup: (ctl) => {
          const gate = lock();
          const rows = {
            first: async () => {
              await gate.wait;
              await new Promise((resolve) => setTimeout(resolve, slowFirst));
            },
            second: async () => {
              gate.open();
              await new Promise((resolve) => setTimeout(resolve, slowSecond));
            },
          };
          return { rows: ctl.wrap(rows, 'rows') };
        },
        tasks: ({ rows }) => ({
          a: async () => {
            await rows.first();
            delivered.push('a');
          },
          b: async () => {
            await rows.second();
            delivered.push('b');
          },
        }),
      });
      // Assert — first-come order put a's delivery first both times.
      expect(result.ok).toBe(true);
      expect(delivered).toEqual(['a', 'b']);
    },
  );

  it('notes a wrapped method that turned out to be synchronous', async () => {
    // Arrange
    const api = { version: () => '1.2.3' };
    // Act
    const result = await explore({
      runs: 1,
      setup: (ctl) => ({ api: ctl.wrap(api, 'api') }),
      tasks: ({ api }) => ({ t: () => api.version() }),
    });
    // Assert
    expect(result.notes.join('\n')).toContain(
      "'api.version' returned a plain value, not a promise: callers got a promise instead. If it is a synchronous method, exclude it: ctl.wrap(target, label, { exclude: ['version'] }).",
    );
  });

  it.each([
    [null, 'db', /needs an object or a function, got null/],
    [42, 'db', /got number/],
    [{}, '', /needs a label/],
  ])('refuses ctl.wrap(%j, %j)', (target, label, message) => {
    // Act / Assert
    expect(() => wrap(target, label)).toThrow(
      expect.objectContaining({ code: 'FRAY_RACE_USAGE', message: expect.stringMatching(message) }),
    );
  });
});
