/**
 * Prisma Client 7 as a spec: a real generated client (src/mock/fixtures/prisma), never
 * connected. Its model delegates (`prisma.user`) are made per instance, so an instance or
 * `autoMock<PrismaClient>()` is the spec to use; the class alone cannot show them.
 */
import { inspect } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, describe, expect, test } from 'vitest';
import { PrismaClient } from './fixtures/prisma/generated/client.ts';
import { autoMock, mockCalls, mockObject } from './index.ts';

/** Code under test: sign-up that refuses a taken email. */
async function signUp(prisma: PrismaClient, email: string): Promise<number> {
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing !== null) throw new Error(`${email} is taken`);
  const user = await prisma.user.create({ data: { email } });
  return user.id;
}

const real = new PrismaClient({
  adapter: new PrismaPg({ connectionString: 'postgres://127.0.0.1:1/never' }),
});
afterAll(() => real.$disconnect());

describe('Prisma Client', () => {
  test('an instance works as a spec: model delegates are mocked on first touch', async () => {
    const prisma = mockObject(real, { name: 'prisma' });
    prisma.user.findUnique.resolves(null);
    prisma.user.create.resolves({ id: 7, email: 'ada@example.com' });

    const id = await signUp(prisma, 'ada@example.com');

    expect(id).toBe(7);
    prisma.user.create.assertAwaitedOnceWith({ data: { email: 'ada@example.com' } });
    expect(mockCalls(prisma).map((call) => call.member)).toEqual(['user.findUnique', 'user.create']);
    expect(prisma).toBeInstanceOf(Object);
  });

  test('an interactive $transaction runs its callback with the mocked client', async () => {
    const prisma = mockObject(real, { name: 'prisma' });
    prisma.user.findUnique.resolves({ id: 1, email: 'taken@example.com' });
    prisma.$transaction.implement(((work: (tx: PrismaClient) => Promise<unknown>) => work(prisma)) as never);

    const outcome = prisma.$transaction((tx) => signUp(tx as PrismaClient, 'taken@example.com'));

    await expect(outcome).rejects.toThrow('taken@example.com is taken');
    prisma.user.create.assertNotCalled();
  });

  test('autoMock<PrismaClient>() needs no instance', async () => {
    const prisma = autoMock<PrismaClient>({ name: 'prisma' });
    prisma.user.findUnique.resolves(null);
    prisma.user.create.resolves({ id: 3, email: 'b@example.com' });

    await expect(signUp(prisma, 'b@example.com')).resolves.toBe(3);
    prisma.user.findUnique.assertAwaitedOnceWith({ where: { email: 'b@example.com' } });
  });

  test('the class alone cannot show the delegates: the error says to pass an instance or use autoMock', () => {
    // Prisma's runtime class is minified (its name is one letter): name the mock.
    const prisma = mockObject(PrismaClient, { name: 'prisma' }) as unknown as Record<string, unknown>;

    expect(() => prisma['user']).toThrow(
      /prisma\.user is not part of the mock's spec[\s\S]*pass an instance[\s\S]*autoMock<T>\(\)/,
    );
  });
});

describe('printing a mocked Prisma delegate', () => {
  test('console.log shows the mock, not what a mocked custom inspector returned', () => {
    const prisma = mockObject(real, { name: 'prisma' });

    prisma.user.findUnique.resolves(null);

    expect(inspect(prisma.user)).not.toBe('undefined');
    // Members are made on first touch; the ones touched are printed.
    expect(inspect(prisma.user)).toContain('findUnique');
  });
});
