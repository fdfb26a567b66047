import fc from 'fast-check';
const N = Number(process.argv[2] ?? 10);
const T = Number(process.argv[3] ?? 2);
const runs = Number(process.argv[4] ?? 300);
const started = performance.now();
await fc.assert(fc.asyncProperty(fc.scheduler(), async (s) => {
  const st = { x: 0 };
  const tasks = Array.from({ length: T }, async () => { for (let i = 0; i < N; i++) { await s.schedule(Promise.resolve()); st.x++; } });
  await s.waitFor(Promise.all(tasks));
}), { numRuns: runs, seed: 1 });
const sec = (performance.now() - started) / 1000;
console.log(JSON.stringify({ runs, runsPerSecond: Math.round(runs / sec) }));
