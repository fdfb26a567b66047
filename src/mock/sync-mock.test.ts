import { describe, expect, test } from 'vitest';
import { syncMock } from './index.ts';

describe('syncMock', () => {
  test('returns, throws and records calls with their results', () => {
    const parse = syncMock<(raw: string) => number>().returns(1).throwsOnce(new SyntaxError('bad'));

    expect(() => parse('x')).toThrow(SyntaxError);
    expect(parse('1')).toBe(1);

    expect(parse.callCount).toBe(2);
    expect(parse.records.map((record) => record.result.status)).toEqual(['rejected', 'fulfilled']);
    parse.assertCalledWith('1');
    parse.assertHasCalls([['x'], ['1']]);
  });

  test('when() picks behaviour by arguments', () => {
    const flag = syncMock<(name: string) => boolean>().returns(false).when('beta').returns(true);

    expect(flag('beta')).toBe(true);
    expect(flag('alpha')).toBe(false);
  });

  test('call assertions fail with the list of calls', () => {
    const log = syncMock<(line: string) => void>(undefined, { name: 'logger.info' });
    log('a');

    expect(() => log.assertCalledOnceWith('b')).toThrow(
      "Expected logger.info to have been called once with ('b'), but it was with ('a').",
    );
    expect(() => log.assertNotCalled()).toThrow("logger.info has calls:\n  1. ('a')");
  });
});
