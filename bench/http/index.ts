/**
 * fray's `inject` against the tools users would pick instead — light-my-request (Fastify's
 * inject), a direct `app.fetch(new Request())` call for a fetch handler, supertest and `fetch`
 * over loopback — on a plain node handler, Express, Fastify and Hono (see suites.ts). Every
 * request is a GET with its body read to the end.
 *
 * Tools are compared in hundreds of short interleaved rounds, by the median of per-round
 * ratios with its middle half and a 95% interval, and by the ratio of their fastest tenth of
 * blocks (see paired.ts): ratios that hold on a machine busy with other work, where
 * throughput alone does not. The load average before and after is printed with the results.
 *
 * The in-process comparisons run in `--processes` separate processes (default 5) and each tool's
 * figures are those of the median process (see processes.ts: light-my-request's speed differs
 * between processes).
 *
 * Run: npm run bench http   (or: npx node bench/http/index.ts [--rounds 600] [--processes 5]
 * [--only node,express] [--no-network] [--json out.json]); bench/http/stability.ts runs it five
 * times and prints how far the runs are apart.
 *
 * Also: the cost of fray/di's `use(token)` with no override, against a `Map` lookup.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { override, token, use } from '../../src/di/index.ts';
import { TURN_EVERY } from '../../src/http/dispatcher.ts';
import { environment, markdownTable, measure, num, printRatios } from '../table.ts';
import { measurePaired, type TaskFigures } from './paired.ts';
import { measureInProcesses } from './processes.ts';
import { SUITES } from './suites.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '600' },
    only: { type: 'string' },
    'no-network': { type: 'boolean', default: false },
    'no-di': { type: 'boolean', default: false },
    json: { type: 'string' },
    processes: { type: 'string', default: '5' },
  },
});
const processes = Math.max(1, Math.floor(Number(args.processes)) || 1);
const rounds = Number(args.rounds);
const networkRounds = Math.max(20, Math.round(rounds / 10));
const only = args.only?.split(',') ?? Object.keys(SUITES);
const FRAY = 'fray inject';

function x(value: number): string {
  return `${num(value, 2)}×`;
}

function load(): string {
  return os
    .loadavg()
    .map((value) => num(value, 2))
    .join(' / ');
}

interface SuiteResult {
  readonly title: string;
  readonly inProcess: readonly TaskFigures[];
  readonly networked: readonly TaskFigures[];
}

process.stdout.write(
  `${environment()}, ${os.availableParallelism()} CPUs; load average (1/5/15 min) at start: ${load()}\n` +
    `In-process: fray and one other tool at a time, ${rounds} interleaved rounds, blocks of ~1 ms (wall time). "fray's speed-up" is the median over rounds of ` +
    `(the tool's time per request ÷ fray's in the same round), with the middle half of the rounds and a 95% interval of that median; ` +
    `"fastest tenth" is the ratio of the two p10 block times (the cost with the least interference). req/s is 1 ÷ the median time per request.\n`,
);

const table = (figures: readonly TaskFigures[]): string =>
  markdownTable(
    [
      'task',
      'req/s',
      'median ns/req',
      "fray's speed-up",
      'middle half',
      '95% interval',
      'fastest tenth',
      'requests',
    ],
    figures.map((f) => {
      const own = f.name === FRAY;
      return [
        f.name,
        num(1e9 / f.medianNs),
        num(f.medianNs),
        own ? '—' : x(f.ratio.median),
        own ? '—' : `${num(f.ratio.p25, 2)}–${num(f.ratio.p75, 2)}`,
        own ? '—' : `${num(f.ratio.low, 2)}–${num(f.ratio.high, 2)}`,
        own ? '—' : x(f.fastRatio),
        num(f.requests),
      ];
    }),
  );

function suiteOf(name: string): () => ReturnType<(typeof SUITES)[string]> {
  const build = SUITES[name];
  if (build === undefined)
    throw new Error(`unknown suite '${name}'; suites: ${Object.keys(SUITES).join(', ')}`);
  return build;
}

// Every in-process comparison first: the socket-bound tools leave keep-alive connections,
// servers and their timers behind, which would run during later in-process rounds.
const results: SuiteResult[] = [];
if (processes > 1) {
  const merged = measureInProcesses(
    import.meta.filename,
    FRAY,
    processes,
    ['--rounds', String(rounds), '--only', only.join(',')],
    (done) => process.stderr.write(`in-process comparisons: process ${done}/${processes} done\n`),
  );
  for (const suite of merged) {
    results.push({ title: suite.title, inProcess: suite.inProcess, networked: [] });
    const perProcess = suite.inProcess
      .filter((figures) => figures.name !== FRAY)
      .map((figures) => `${figures.name}: ${figures.processes.map((value) => x(value)).join(', ')}`)
      .join('; ');
    process.stdout.write(
      `\n### ${suite.title}\n\n${table(suite.inProcess)}\n\nfray's speed-up in each of the ${processes} processes (the table shows the median one): ${perProcess}\n`,
    );
  }
} else {
  for (const name of only) {
    const suite = await suiteOf(name)();
    // One pair at a time: with a third tool in the rounds, its garbage would be collected in
    // the others' blocks.
    const inProcess: TaskFigures[] = [];
    for (const peer of Object.keys(suite.inProcess).filter((task) => task !== FRAY)) {
      const pair = await measurePaired(
        {
          [FRAY]: suite.inProcess[FRAY] as () => Promise<unknown>,
          [peer]: suite.inProcess[peer] as () => Promise<unknown>,
        },
        FRAY,
        { rounds, baselineMultiple: TURN_EVERY },
      );
      if (inProcess.length === 0) inProcess.push(pair[0] as TaskFigures);
      inProcess.push(pair[1] as TaskFigures);
    }
    await suite.close();
    results.push({ title: suite.title, inProcess, networked: [] });
    process.stdout.write(`\n### ${suite.title}\n\n${table(inProcess)}\n`);
  }
}

if (!args['no-network']) {
  process.stdout.write(`\n### Through a socket (${networkRounds} rounds of ~5 ms each)\n`);
  for (const [i, name] of only.entries()) {
    const suite = await suiteOf(name)();
    const networked = await measurePaired(
      { [FRAY]: suite.inProcess[FRAY] as () => Promise<unknown>, ...suite.networked },
      FRAY,
      { rounds: networkRounds, blockMs: 5, warmupMs: 1_000, baselineMultiple: TURN_EVERY },
    );
    await suite.close();
    const result = results[i] as SuiteResult;
    results[i] = { ...result, networked };
    process.stdout.write(`\n#### ${suite.title}\n\n${table(networked.filter((f) => f.name !== FRAY))}\n`);
  }
}

// The goals of issue 17.
const goals = results.map((result) => {
  const lmr = result.inProcess.find((figures) => figures.name.startsWith('light-my-request'));
  const direct = result.inProcess.find((figures) => figures.name.startsWith('direct call'));
  const measured = direct ?? lmr;
  const goal = direct === undefined ? 1.2 : 0.85;
  const ratio = measured?.ratio;
  const verdict =
    ratio === undefined
      ? 'not measured'
      : ratio.low >= goal
        ? 'met'
        : ratio.median >= goal
          ? 'met at the median (the 95% interval reaches below)'
          : 'not met';
  return [
    result.title,
    direct === undefined ? 'light-my-request' : 'direct app.fetch call',
    `≥ ${x(goal)}`,
    ratio === undefined ? '—' : `${x(ratio.median)} (95%: ${num(ratio.low, 2)}–${num(ratio.high, 2)})`,
    measured === undefined ? '—' : x(measured.fastRatio),
    verdict,
  ];
});
process.stdout.write(
  `\n### fray's speed-up against the goals\n\n${markdownTable(
    ['app', 'against', 'goal', 'measured (median of rounds)', 'fastest tenth', 'verdict'],
    goals,
  )}\n\nload average (1/5/15 min) at the end: ${load()}\n`,
);

if (args.json !== undefined) {
  writeFileSync(args.json, `${JSON.stringify({ load: os.loadavg(), rounds, results }, null, 2)}\n`);
}

if (!args['no-di']) {
  // fray/di: use() with no override anywhere in the process is a field read and a branch.
  const Clock = token('Clock', () => 42);
  const map = new Map<object, number>([[Clock, 42]]);
  const DI_BATCH = 10_000;
  const di = await measure(
    {
      'Map#get': () => {
        let sum = 0;
        for (let i = 0; i < DI_BATCH; i++) sum += map.get(Clock) as number;
        return sum;
      },
      'use(token), no override in the process': () => {
        let sum = 0;
        for (let i = 0; i < DI_BATCH; i++) sum += use(Clock);
        return sum;
      },
    },
    { time: 1_000 },
  );
  // After the first override the process pays an AsyncLocalStorage lookup per use().
  const handle = override(token<number>('Other'), 1);
  const diActive = await measure(
    {
      'use(token), overrides active elsewhere': () => {
        let sum = 0;
        for (let i = 0; i < DI_BATCH; i++) sum += use(Clock);
        return sum;
      },
    },
    { time: 1_000 },
  );
  handle.restore();
  printRatios(
    'fray/di use(token), per lookup',
    [...di, ...diActive].map((r) => ({
      ...r,
      hz: r.hz * DI_BATCH,
      meanNs: r.meanNs / DI_BATCH,
      p99Ns: r.p99Ns / DI_BATCH,
    })),
    'Map#get',
  );
}
