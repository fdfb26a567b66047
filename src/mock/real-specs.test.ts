/**
 * The classes users mock, as published on npm, used as specs: ioredis, pg, the AWS SDK v3
 * S3 client and Stripe. None of them declares its promise-returning methods `async`, so
 * each method becomes async when the test gives it async behaviour. Nothing here touches
 * a network: the mocks replace the clients before any connection is made.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import pg from 'pg';
import Stripe from 'stripe';
import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { autoMock, isAsyncMock, mockCalls, mockObject } from './index.ts';

/** Code under test: a read-through cache over Redis. */
async function cachedUser(redis: Redis, load: (id: string) => Promise<string>, id: string): Promise<string> {
  const hit = await redis.get(`user:${id}`);
  if (hit !== null) return hit;
  const value = await load(id);
  await redis.set(`user:${id}`, value, 'EX', 60);
  return value;
}

function caught(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

describe('ioredis', () => {
  test('mockObject(Redis) works as a spec (it used to throw on the getter-only autoPipelineQueueSize)', async () => {
    const redis = mockObject(Redis, { name: 'redis' });
    redis.get.resolves(null);
    redis.set.resolves('OK');

    const value = await cachedUser(redis, () => Promise.resolve('Ada'), '1');

    expect(value).toBe('Ada');
    expect(redis).toBeInstanceOf(Redis);
    redis.get.assertAwaitedOnceWith('user:1');
    redis.set.assertAwaitedOnceWith('user:1', 'Ada', 'EX', 60);
    expect(mockCalls(redis).map((call) => call.member)).toEqual(['get', 'set']);
  });

  test('a mocked instance is named after its class, not EventEmitter (a mixin overwrote constructor)', () => {
    const real = new Redis({ lazyConnect: true });
    try {
      const redis = mockObject(real);

      expect(redis.get.mockName).toBe('Commander.get');
      expect(redis.status).toBe('wait');
    } finally {
      real.disconnect();
    }
  });

  test('pipeline() stays sync when the test says returns()', async () => {
    const redis = mockObject(Redis);
    const pipeline = autoMock({ name: 'pipeline' });
    pipeline.set.returns(pipeline);
    pipeline.exec.resolves([[null, 'OK']]);
    redis.pipeline.returns(pipeline as never);

    const results = await redis.pipeline().set('a', '1').exec();

    expect(results).toEqual([[null, 'OK']]);
    expect(isAsyncMock(redis.pipeline)).toBe(false);
  });
});

describe('pg', () => {
  test('mockObject(pg.Pool): query becomes async with resolves(), inherited members included', async () => {
    const pool = mockObject(pg.Pool, { name: 'pool' });
    pool.query.resolves({ rows: [{ id: 1 }], rowCount: 1 } as never);

    const result = await pool.query('select id from users where id = $1', [1]);

    expect(result.rows).toEqual([{ id: 1 }]);
    // A generic overload's type parameters read as unknown (`values` types as never): a matcher fits.
    pool.query.assertAwaitedOnceWith(expect.stringContaining('from users'), expect.arrayContaining([1]));
    expect(pool).toBeInstanceOf(pg.Pool);
  });

  test('mockObject(pg.Client) and a pooled client from connect()', async () => {
    // release() is added to a pooled client by pg-pool, not declared on the class.
    const client = mockObject(pg.Client, { name: 'client', sync: ['release' as keyof pg.Client] });
    const pool = mockObject(pg.Pool, { name: 'pool' });
    pool.connect.resolves(client as never);
    client.query.resolves({ rows: [] } as never);

    const connection = await pool.connect();
    await connection.query('begin');
    connection.release();

    client.query.assertAwaitedOnceWith('begin');
    expect(mockCalls(client).map((call) => call.member)).toEqual(['query', 'release']);
  });

  test('a real Pool instance (never connected) works as a spec', async () => {
    const real = new pg.Pool({ connectionString: 'postgres://127.0.0.1:1/none' });
    const pool = mockObject(real, { name: 'pool' });
    pool.query.resolves({ rows: [] } as never);

    await pool.query('select 1');

    pool.query.assertAwaitedOnce();
    await real.end();
  });
});

describe('AWS SDK v3', () => {
  test('mockObject(S3Client): send(command) resolves what the test says, commands compared by class', async () => {
    const s3 = mockObject(S3Client, { name: 's3' });
    s3.send.resolves({ ETag: '"1"' } as never);

    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));

    s3.send.assertAwaitedOnceWith(expect.any(PutObjectCommand));
    expect((s3.send.lastAwait?.[0] as PutObjectCommand).input).toEqual({ Bucket: 'b', Key: 'k', Body: 'x' });
  });

  test('a real client instance works as a spec; its config is mocked, not live', async () => {
    const real = new S3Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
    const s3 = mockObject(real, { name: 's3' });
    s3.send.when(expect.any(GetObjectCommand)).rejects(new Error('NoSuchKey'));

    await expect(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'missing' }))).rejects.toThrow('NoSuchKey');

    s3.send.assertAwaitedOnce();
    expect(typeof s3.config).toBe('object');
    real.destroy();
  });
});

describe('Stripe', () => {
  test('a Stripe instance works as a spec: its resources are mocked on first touch', async () => {
    const stripe = mockObject(new Stripe('sk_test_fray'), { name: 'stripe' });
    stripe.customers.create.resolves({ id: 'cus_1' } as never);

    const customer = await stripe.customers.create({ email: 'ada@example.com' });

    expect(customer.id).toBe('cus_1');
    stripe.customers.create.assertAwaitedOnceWith({ email: 'ada@example.com' });
    expect(stripe.customers.create.mockName).toBe('stripe.customers.create');
    expect(mockCalls(stripe).map((call) => call.member)).toEqual(['customers.create']);
  });

  test('the Stripe class cannot show its resources (made in the constructor): the error says what to pass', () => {
    const stripe = mockObject(Stripe) as unknown as Record<string, unknown>;

    const error = caught(() => stripe['customers']);

    expect(isFrayError(error) && error.code).toBe('FRAY_MOCK_UNKNOWN_MEMBER');
    expect(error.message).toContain('Stripe.customers is not part of the mock');
    expect(error.message).toContain('pass an instance');
    expect(error.message).toContain('autoMock<T>()');
  });
});

describe('unusable specs are FRAY_MOCK_SPEC errors naming what to pass instead', () => {
  test('an arrow function', () => {
    const error = caught(() => mockObject((() => 1) as never));

    expect(error.code).toBe('FRAY_MOCK_SPEC');
    expect(error.message).toContain('is not a class');
    expect(error.message).toContain('asyncMock');
  });

  test('a plain function with nothing on its prototype', () => {
    function sendMail(): void {}

    const error = caught(() => mockObject(sendMail as never));

    expect(error.code).toBe('FRAY_MOCK_SPEC');
    expect(error.message).toContain('found no methods on sendMail.prototype');
  });

  test('an object whose members cannot be read keeps the original error as cause', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();

    const error = caught(() => mockObject(proxy));

    expect(error.code).toBe('FRAY_MOCK_SPEC');
    expect(error.message).toContain('its members could not be read');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  test('a primitive', () => {
    const error = caught(() => mockObject(42 as never));

    expect(error.code).toBe('FRAY_MOCK_SPEC');
    expect(error.message).toContain('for a mock without a spec use autoMock<T>()');
  });
});
