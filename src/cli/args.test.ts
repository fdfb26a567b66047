import { expect, test } from 'vitest';
import { parseArgs, type FlagSpec } from './args.ts';

const specs: FlagSpec[] = [
  { name: 'out', alias: 'o', type: 'string', help: '' },
  { name: 'html', type: 'boolean', help: '' },
];

test('long, inline, short and negated flags, and positionals', () => {
  expect(parseArgs(['a.ts', '--out', 'dir', '--no-html'], specs, 'run')).toEqual({
    flags: { out: 'dir', html: false },
    positionals: ['a.ts'],
  });
  expect(parseArgs(['--out=x', '-o', 'y', '--html', '--', '--not-a-flag'], specs, 'run')).toEqual({
    flags: { out: 'y', html: true },
    positionals: ['--not-a-flag'],
  });
});

test('unknown flags and missing values are usage errors listing the known flags', () => {
  expect(() => parseArgs(['--outt', 'x'], specs, 'run')).toThrow(
    /unknown option '--outt' for `fray run`[\s\S]*--out, --html/,
  );
  expect(() => parseArgs(['--out'], specs, 'run')).toThrow(/option --out needs a value/);
  expect(() => parseArgs(['--html=yes'], specs, 'run')).toThrow(/takes no value/);
  expect(() => parseArgs(['--out'], specs, 'run')).toThrow(
    expect.objectContaining({ code: 'FRAY_CLI_USAGE' }),
  );
});
