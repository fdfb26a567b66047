import { explore } from '../../src/race/index.ts';
const N = Number(process.argv[2] ?? 10);
const T = Number(process.argv[3] ?? 2);
const runs = Number(process.argv[4] ?? 300);
const point = (): undefined => undefined;
const started = performance.now();
const result = await explore({
  quiet: true, shrink: false, strategy: (process.argv[5] ?? 'random') as 'random', seed: 1, runs,
  setup: () => ({ x: 0 }),
  tasks: (s) => Object.fromEntries(Array.from({ length: T }, (_, t) => [`t${t}`, async () => {
    for (let i = 0; i < N; i++) { await point(); s.x++; }
  }])),
  check: () => {},
});
const s = (performance.now() - started) / 1000;
console.log(JSON.stringify({ runs: result.runs, runsPerSecond: Math.round(result.runs / s), ok: result.ok, gaps: result.gaps.length, summary: result.summary.slice(0, 100) }));
