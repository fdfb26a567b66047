import { describe, expect, test } from 'vitest';
import { isFrayError } from '../errors/index.ts';
import { asyncMock, autoMock, mockCalls, mockObject, resetMocks } from './index.ts';

class Session {
  async begin(): Promise<void> {}
  async query(sql: string): Promise<number> {
    return Promise.resolve(sql.length);
  }
  async commit(): Promise<void> {}
  release(): void {}
}

describe('a whole mock object’s history (Python: mock_calls / method_calls, reset_mock)', () => {
  test('mockCalls lists every member’s calls in the order they were made, with awaited or not', async () => {
    const session = mockObject(Session);

    await session.begin();
    await session.query('insert');
    void session.commit();
    session.release();

    expect(mockCalls(session)).toMatchObject([
      { member: 'begin', args: [], awaited: true },
      { member: 'query', args: ['insert'], awaited: true },
      { member: 'commit', args: [], awaited: false },
      { member: 'release', args: [], awaited: undefined },
    ]);
  });

  test('nested members of an autoMock are listed with their path', async () => {
    const prisma = autoMock({ name: 'prisma' });

    await prisma.user.findUnique({ where: { id: 1 } });
    await prisma.$transaction([]);

    expect(mockCalls(prisma).map((call) => [call.member, ...call.args])).toEqual([
      ['user.findUnique', { where: { id: 1 } }],
      ['$transaction', []],
    ]);
    expect(mockCalls(prisma.user).map((call) => call.member)).toEqual(['findUnique']);
  });

  test('on a single mock, mockCalls lists its own calls', async () => {
    const fetchRate = asyncMock();

    await fetchRate('EUR');

    expect(mockCalls(fetchRate)).toMatchObject([{ member: '', args: ['EUR'], awaited: true }]);
  });

  test('resetMocks resets every member; with behaviour: true their behaviour too', async () => {
    const session = mockObject(Session);
    session.query.resolves(7);
    await session.begin();
    await session.query('select');

    resetMocks(session);

    expect(mockCalls(session)).toEqual([]);
    await expect(session.query('x')).resolves.toBe(7);
    resetMocks(session, { behaviour: true });
    await expect(session.query('x')).resolves.toBeUndefined();
  });

  test('anything that is not a fray mock is refused with a usage error', () => {
    let error: unknown;
    try {
      mockCalls({ begin: () => undefined });
    } catch (caught) {
      error = caught;
    }

    expect(isFrayError(error) && error.code).toBe('FRAY_MOCK_USAGE');
    expect((error as Error).message).toContain('mockCalls() needs a fray mock object or mock');
  });
});
