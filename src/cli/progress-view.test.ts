import { expect, test } from 'vitest';
import type { LoadProgress } from '../load/index.ts';
import { liveProgressWanted, progressLine, progressView } from './progress-view.ts';

const event: LoadProgress = {
  level: 0,
  levels: 2,
  label: 'c=10',
  phase: 'measure',
  elapsedMs: 2600,
  plannedMs: 5000,
  completed: 1234,
  plannedRequests: undefined,
  errors: 2,
  throughput: 480,
};

test('a progress line shows the bar, percent, time, count, rate and errors', () => {
  expect(progressLine(event, 10)).toBe(
    'c=10           [█████░░░░░]  52%   2.6s    1,234 req     480/s  2 err',
  );
});

test('live progress only on a TTY, outside CI, unless quiet', () => {
  expect(liveProgressWanted({ write: () => true, isTTY: true }, {}, false)).toBe(true);
  expect(liveProgressWanted({ write: () => true, isTTY: false }, {}, false)).toBe(false);
  expect(liveProgressWanted({ write: () => true, isTTY: true }, { CI: 'true' }, false)).toBe(false);
  expect(liveProgressWanted({ write: () => true, isTTY: true }, {}, true)).toBe(false);
});

test('the view redraws in place and ends each level with a newline; silent when not live', () => {
  const written: string[] = [];
  const view = progressView({ write: (text: string) => written.push(text), isTTY: true, columns: 120 }, true);
  view.update(event);
  view.update({ ...event, phase: 'done' });
  expect(written[0]?.startsWith('\r\u001b[2Kc=10 ')).toBe(true);
  expect(written.at(-1)).toBe('\n');
  const silent: string[] = [];
  progressView({ write: (text: string) => silent.push(text) }, false).update(event);
  expect(silent).toEqual([]);
});
