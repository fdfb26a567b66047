/**
 * Redis, unwrapped: ioredis connected before `explore()`, and a raw `net.Socket` speaking
 * RESP. Both tasks share the one connection, so their commands are pipelined on it; fray
 * holds the replies until as many have arrived as commands were sent, and delivers them at a
 * decision.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { atomicAdd, lostUpdate, type CounterStore } from './fixtures/clients/counter.ts';
import { expectFixed, expectFoundAndReplayed } from './fixtures/clients/verdicts.ts';
import { reachable, runsWith } from './fixtures/services.ts';

const runs = runsWith('Redis', await reachable(6379));
const KEY = `fray:race:counter:${process.pid}`;

/** A minimal RESP client over a raw socket: one reply per command, in order. */
class RespSocket {
  readonly #socket: net.Socket;
  readonly #waiting: ((reply: string) => void)[] = [];
  #buffer = '';

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      for (;;) {
        const reply = /^(?:[+:-][^\r]*\r\n|\$-1\r\n|\$(\d+)\r\n)/.exec(this.#buffer);
        if (reply === null) return;
        let end = reply[0].length;
        let value = reply[0].slice(1, -2);
        if (reply[1] !== undefined) {
          const length = Number(reply[1]);
          if (this.#buffer.length < end + length + 2) return;
          value = this.#buffer.slice(end, end + length);
          end += length + 2;
        }
        this.#buffer = this.#buffer.slice(end);
        this.#waiting.shift()?.(value);
      }
    });
  }

  static connect(): Promise<RespSocket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(6379, '127.0.0.1', () => resolve(new RespSocket(socket)));
      socket.once('error', reject);
    });
  }

  command(...args: string[]): Promise<string> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#socket.write(
        `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`,
      );
    });
  }

  end(): void {
    this.#socket.end();
  }
}

describe.skipIf(!runs)('Redis, unwrapped', () => {
  let redis: Redis;
  let resp: RespSocket;

  beforeAll(async () => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redis.connect();
    resp = await RespSocket.connect();
  });
  afterAll(async () => {
    await redis?.del(KEY);
    redis?.disconnect();
    resp?.end();
  });

  const ioredisStore = (): CounterStore => ({
    reset: async () => void (await redis.set(KEY, '100')),
    read: async () => Number(await redis.get(KEY)),
    write: async (value) => void (await redis.set(KEY, String(value))),
    add: async (amount) => void (await redis.incrby(KEY, amount)),
    current: async () => Number(await redis.get(KEY)),
  });

  const respStore = (): CounterStore => ({
    reset: async () => void (await resp.command('SET', KEY, '100')),
    read: async () => Number(await resp.command('GET', KEY)),
    write: async (value) => void (await resp.command('SET', KEY, String(value))),
    add: async (amount) => void (await resp.command('INCRBY', KEY, String(amount))),
    current: async () => Number(await resp.command('GET', KEY)),
  });

  it('ioredis: the lost update is found and replays exactly (seed 21)', async () => {
    await expectFoundAndReplayed(lostUpdate('ioredis lost update', ioredisStore()), 21);
  });

  it('ioredis: INCRBY passes, with nothing uncontrolled (seed 21)', async () => {
    await expectFixed(atomicAdd('ioredis incrby', ioredisStore()), 21);
  });

  it('a raw RESP socket: the lost update is found and replays exactly (seed 22)', async () => {
    await expectFoundAndReplayed(lostUpdate('resp lost update', respStore()), 22);
  });

  it('a raw RESP socket: INCRBY passes (seed 22)', async () => {
    await expectFixed(atomicAdd('resp incrby', respStore()), 22);
  });
});
