/**
 * `fray run <scenario.ts>`: explore the scenario's race checks, serve its app, run the load
 * with live progress, print the summary, write report.json and report.html, and exit 0
 * when every gate holds, 1 when one does not, 2 on bad input.
 *
 * @module
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { CliFileError, CliScenarioError, CliUsageError, isFrayError } from '../../errors/index.ts';
import type { InjectableApp } from '../../http/index.ts';
import {
  assertComparableLevels,
  checkGates,
  compare,
  load,
  parseDuration,
  plannedLevelLabels,
  renderHtmlReport,
  validateLoadOptions,
  type CompareMetric,
  type Comparison,
  type FetchClient,
  type GateCheck,
  type LoadOptions,
  type LoadReport,
  runRouteChecks,
  type ReportedLeak,
  type RaceCheckSummary,
  type RouteCheckSummary,
  type Scenario,
} from '../../load/index.ts';
import { readReportFile } from '../report-file.ts';
import { flagHelp, parseArgs, type FlagSpec } from '../args.ts';
import type { CliIO, Command } from '../command.ts';
import { liveProgressWanted, progressView } from '../progress-view.ts';
import { runRaceChecks } from '../race-checks.ts';
import { runReportOf } from '../run-report.ts';
import { assertWritableDirectory, assertWritableFile } from '../output-path.ts';
import { loadScenarioFile, type LoadedScenario } from '../scenario-file.ts';
import { serveApp } from '../serve-app.ts';
import {
  comparisonText,
  gatesText,
  leaksText,
  paintFor,
  racesText,
  reportTable,
  routesText,
} from '../summary.ts';

/** The metrics `compare()` accepts. */
export const METRICS: readonly CompareMetric[] = [
  'p50',
  'p75',
  'p90',
  'p95',
  'p99',
  'p999',
  'mean',
  'throughput',
];

const FLAGS: readonly FlagSpec[] = [
  {
    name: 'out',
    alias: 'o',
    type: 'string',
    value: 'dir',
    help: 'where report.json and report.html go (default .fray/load)',
  },
  {
    name: 'baseline',
    alias: 'b',
    type: 'string',
    value: 'report.json',
    help: 'compare with a saved report; a regression exits 1',
  },
  {
    name: 'metric',
    type: 'string',
    value: 'name',
    help: 'metric compared with the baseline: p50 (default), p90, p99, mean, throughput…',
  },
  {
    name: 'duration',
    alias: 'd',
    type: 'string',
    value: 'time',
    help: "override the scenario's duration per level, e.g. 2s",
  },
  { name: 'seed', type: 'string', value: 'n', help: 'seed for Poisson arrivals and statistics' },
  { name: 'html', type: 'boolean', help: 'write report.html (default on; --no-html to skip)' },
  { name: 'races', type: 'boolean', help: 'run the race checks (default on; --no-races to skip)' },
  { name: 'quiet', alias: 'q', type: 'boolean', help: 'no live progress' },
];

const USAGE = `Usage: fray run <scenario.ts> [options]

Run a load scenario: its race checks, then each level of load against its app, with live
progress (on a terminal, not under CI), a summary table, report.json (histograms encoded
losslessly) and a self-contained report.html.

Options:
${flagHelp(FLAGS)}

Exit codes: 0 every gate holds, 1 a gate, race check or baseline comparison fails, 2 bad input,
3 inconclusive: nothing failed, but a gate or the comparison could not be decided (a level
measured while the machine was busy, too few requests, one run per side within run-to-run
variation).
`;

/** The load target for a scenario, and how to stop it. */
interface StartedTarget {
  readonly target: string | FetchClient;
  readonly description: string;
  readonly thread: 'worker' | 'main';
  close(): Promise<void>;
}

async function startTarget(loaded: LoadedScenario, timeoutMs: number): Promise<StartedTarget> {
  const { scenario, file } = loaded;
  if (scenario.target !== undefined) {
    return {
      target: scenario.target,
      description: scenario.target,
      thread: 'worker',
      close: () => Promise.resolve(),
    };
  }
  let app: unknown;
  try {
    app = await (scenario.app as () => unknown)();
  } catch (error) {
    if (isFrayError(error)) throw error;
    throw new CliScenarioError(
      file,
      `app() threw ${error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error)}.`,
      'fix the app factory so it builds the app; run the scenario module with node to see the stack.',
      error,
    );
  }
  if (scenario.transport === 'inject') {
    const pair =
      typeof app === 'object' &&
      app !== null &&
      'app' in app &&
      typeof (app as { close?: unknown }).close === 'function'
        ? (app as { app: unknown; close: () => unknown })
        : undefined;
    // Loaded only for this transport, so `fray compare` and `fray k6` never load fray/http.
    const { inject } = await import('../../http/index.ts');
    // fray/load bounds each request with its own timeout; inject's shorter default would cut stalls short.
    const client = await inject((pair?.app ?? app) as InjectableApp, { timeout: timeoutMs });
    return {
      target: client,
      description: 'in-process (fray/http inject)',
      thread: 'main',
      close: async () => {
        await client.close();
        await pair?.close();
      },
    };
  }
  const served = await serveApp(app, file);
  return {
    target: served.url,
    description: `${served.url} (served by fray, generator in a worker thread)`,
    thread: 'worker',
    close: () => served.close(),
  };
}

function loadOptionsOf(
  loaded: LoadedScenario,
  overrides: { duration: string | undefined; seed: number | undefined },
  thread: 'worker' | 'main',
): LoadOptions<any> {
  const s: Scenario = loaded.scenario;
  const request =
    typeof s.request === 'function' && thread === 'worker' && loaded.requestExport !== undefined
      ? { module: loaded.url, export: loaded.requestExport }
      : s.request;
  const pick = <K extends keyof Scenario>(key: K): Partial<Record<K, Scenario[K]>> =>
    s[key] === undefined ? {} : ({ [key]: s[key] } as Partial<Record<K, Scenario[K]>>);
  return {
    request,
    name: s.name ?? basename(loaded.file),
    ...pick('concurrency'),
    ...pick('rate'),
    ...pick('duration'),
    ...pick('requests'),
    ...pick('maxDuration'),
    ...pick('warmup'),
    ...pick('timeout'),
    ...pick('arrivals'),
    ...pick('maxInFlight'),
    ...pick('connections'),
    ...pick('expectStatus'),
    ...pick('headers'),
    ...pick('seed'),
    ...pick('validity'),
    ...(overrides.duration === undefined ? {} : { duration: overrides.duration }),
    ...(overrides.seed === undefined ? {} : { seed: overrides.seed }),
  } as LoadOptions<any>;
}

/** A fetch client for route checks: the inject client, or `fetch` against the served URL. */
function fetchClientOf(target: string | FetchClient): FetchClient {
  if (typeof target !== 'string') return target;
  return {
    fetch: (input, init) => fetch(new URL(input instanceof Request ? input.url : input, target), init),
  };
}

/**
 * Write one output; if that fails although the path was checked before the run (the disk
 * filled, a directory appeared), save the measured report in the temp directory and fail
 * with `FRAY_CLI_FILE` naming both paths: a measured run is never lost.
 */
async function saveOrRescue(path: string, json: string, save: () => Promise<void>): Promise<void> {
  try {
    await save();
  } catch (error) {
    const rescued = join(await mkdtemp(join(tmpdir(), 'fray-run-')), 'report.json');
    await writeFile(rescued, json);
    throw new CliFileError(
      path,
      `could not be written (${error instanceof Error ? error.message : String(error)}); the measured report was saved to ${rescued}.`,
      'free the path (or pass another --out) and keep the saved report: `fray compare` reads it.',
    );
  }
}

/** A thrown value in one line. */
function reasonOf(error: unknown): string {
  const reason = error instanceof Error ? error.message : (JSON.stringify(error) ?? typeof error);
  return reason.replace(/\s+/g, ' ').trim();
}

function readBaseline(path: string, cwd: string): Promise<LoadReport> {
  return readReportFile(path, cwd, 'pass the report.json of an earlier `fray run` as --baseline.');
}

/** `fray run`. */
export const runCommand: Command = {
  name: 'run',
  summary: 'run a load scenario: race checks, levels, gates, report.json and report.html',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, FLAGS, 'run');
    if (positionals.length !== 1) {
      throw new CliUsageError(
        positionals.length === 0
          ? '`fray run` needs a scenario file.'
          : `\`fray run\` takes one scenario file, got ${positionals.length}.`,
        'run `fray run load/users.scenario.ts` (see `fray run --help`).',
      );
    }
    const seedFlag = flags['seed'];
    let seed: number | undefined;
    if (typeof seedFlag === 'string') {
      seed = Number(seedFlag);
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)
        throw new CliUsageError(
          `--seed '${seedFlag}' is not a whole number from 0 to 4294967295.`,
          'pass e.g. --seed 42.',
        );
    }
    const loaded = await loadScenarioFile(positionals[0] as string, io.cwd);
    const scenario = loaded.scenario;
    const baselinePath = (flags['baseline'] as string | undefined) ?? scenario.baseline;
    const baseline =
      baselinePath === undefined
        ? undefined
        : await readBaseline(
            baselinePath,
            baselinePath === scenario.baseline && flags['baseline'] === undefined
              ? resolve(loaded.path, '..')
              : io.cwd,
          );
    const metric = (flags['metric'] as CompareMetric | undefined) ?? scenario.compare?.metric;
    if (metric !== undefined && !METRICS.includes(metric)) {
      throw new CliUsageError(
        `--metric '${metric}' is not a comparable metric.`,
        `use one of ${METRICS.join(', ')}.`,
      );
    }
    const paint = paintFor(io.stdout, io.env);
    const out = resolve(io.cwd, (flags['out'] as string | undefined) ?? join('.fray', 'load'));
    const write = (text: string): void => {
      io.stdout.write(`${text}\n`);
    };

    // Where the reports go is checked now: a path that cannot be written must not cost a run.
    await assertWritableDirectory(out, io.cwd, '--out');
    await assertWritableFile(join(out, 'report.json'), io.cwd, '--out');
    if (flags['html'] !== false) await assertWritableFile(join(out, 'report.html'), io.cwd, '--out');

    // Bad options fail now, before any race check runs or the app starts.
    const planned = loadOptionsOf(
      loaded,
      { duration: flags['duration'] as string | undefined, seed },
      'main',
    );
    validateLoadOptions(planned);
    if (baseline !== undefined) {
      // A baseline of another scenario (other routes, other app) compares nothing: refuse it.
      const name = planned.name;
      if (baseline.name !== undefined && name !== undefined && baseline.name !== name) {
        throw new CliUsageError(
          `the baseline ${baselinePath} is a run of scenario '${baseline.name}', this is '${name}': comparing them would compare different requests.`,
          `pass the report.json of an earlier \`fray run\` of ${loaded.file} as --baseline (or give both scenarios the same name if they really measure the same thing).`,
        );
      }
      assertComparableLevels(
        baseline.levels.map((level) => level.label),
        plannedLevelLabels(planned),
      );
    }

    // Phase lines on a terminal (never under CI or when piped): the load has its own bars.
    const live = liveProgressWanted(io.stderr, io.env, flags['quiet'] === true);
    const phase = (text: string): void => {
      if (live) io.stderr.write(`${paint.dim('▸')} ${text}\n`);
    };

    // Set when the app's shutdown throws: the run fails, its measurements are still reported.
    let shutdownError: unknown;
    const audit = async (): Promise<{
      races: readonly RaceCheckSummary[];
      routes: readonly RouteCheckSummary[];
      report: LoadReport;
      target: string;
    }> => {
      // Race checks first: cheap, and a race makes load numbers moot.
      let races: readonly RaceCheckSummary[] = [];
      if (scenario.races !== undefined && flags['races'] !== false) {
        const total = Object.keys(scenario.races).length;
        let done = 0;
        const run = await runRaceChecks(scenario.races, loaded.file, (name) => {
          done++;
          phase(`exploring race check ${done}/${total}: ${name}`);
        });
        races = run.summaries;
        for (const report of run.reports) io.stderr.write(`${report}\n`);
      }

      phase('starting the app');
      const started = await startTarget(
        loaded,
        scenario.timeout === undefined ? 30_000 : parseDuration(scenario.timeout, 'timeout'),
      );
      const options = loadOptionsOf(
        loaded,
        { duration: flags['duration'] as string | undefined, seed },
        started.thread,
      );
      const view = progressView(io.stderr, live);
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      let routes: readonly RouteCheckSummary[] = [];
      try {
        if (scenario.checks !== undefined && scenario.checks.length > 0) {
          phase(`checking ${scenario.checks.length} routes`);
          routes = await runRouteChecks(fetchClientOf(started.target), scenario.checks);
        }
        phase('load levels');
        const report = await load(started.target, {
          ...options,
          signal: controller.signal,
          onProgress: (progress) => view.update(progress),
        });
        return { races, routes, report, target: started.description };
      } finally {
        view.close();
        process.off('SIGINT', onSignal);
        // A shutdown that throws fails the run, but never costs the results already measured.
        await started.close().catch((error: unknown) => {
          shutdownError = error;
        });
      }
    };

    let races: readonly RaceCheckSummary[];
    let routes: readonly RouteCheckSummary[];
    let report: LoadReport;
    let target: string;
    let leaks: readonly ReportedLeak[] | undefined;
    if (scenario.leaks === false) {
      ({ races, routes, report, target } = await audit());
    } else {
      // The whole audit runs as one fray/leaks "test": what it leaves behind once the app
      // is shut down — a timer, a socket, a floating mock call — is reported and fails the run.
      const { checkLeaks, collapseLeaks } = await import('../../leaks/index.ts');
      const checked = await checkLeaks(audit, { name: scenario.name ?? basename(loaded.file) });
      if (checked.outcome.status === 'rejected') throw checked.outcome.reason;
      ({ races, routes, report, target } = checked.outcome.value);
      // 400 floating calls from one line are one finding with a count.
      leaks = collapseLeaks(checked.errors).map(({ leak, count, description }) => ({
        check: leak.check,
        description,
        location: leak.location,
        count,
      }));
    }

    const confidence = scenario.gateOptions?.confidence ?? 0.95;
    const gates: GateCheck | undefined =
      scenario.gates === undefined
        ? undefined
        : checkGates(report, scenario.gates, scenario.gateOptions ?? {});
    let comparison: Comparison | undefined;
    if (baseline !== undefined) {
      comparison = compare(baseline, report, {
        ...(scenario.compare ?? {}),
        ...(metric === undefined ? {} : { metric }),
      });
    }
    const command = ['fray', 'run', ...args].join(' ');
    const name = scenario.name ?? basename(loaded.file);
    const runReport = runReportOf({
      name,
      scenario: loaded.file,
      command,
      load: report,
      routes,
      races,
      leaks,
      gates,
      comparison,
      baseline: baselinePath,
      shutdownError: shutdownError === undefined ? undefined : reasonOf(shutdownError),
    });
    const jsonPath = join(out, 'report.json');
    const json = `${JSON.stringify(runReport, null, 2)}\n`;
    await saveOrRescue(jsonPath, json, async () => {
      await mkdir(out, { recursive: true });
      await writeFile(jsonPath, json);
    });
    const written = [jsonPath];
    if (flags['html'] !== false) {
      const htmlPath = join(out, 'report.html');
      const html = renderHtmlReport(report, {
        title: name,
        ...(gates === undefined ? {} : { gates }),
        ...(comparison === undefined ? {} : { comparison }),
        races,
        routes,
        ...(leaks === undefined ? {} : { leaks }),
        command,
        data: runReport,
      });
      await saveOrRescue(htmlPath, json, () => writeFile(htmlPath, html));
      written.push(htmlPath);
    }

    write(
      paint.bold(`fray run ${loaded.file}${scenario.name === undefined ? '' : `: ${scenario.name}`}`) +
        paint.dim(` — ${report.model} model, target ${target}, seed ${report.seed}`),
    );
    write('');
    write(reportTable(report, paint));
    if (routes.length > 0) write(`\n${routesText(routes, paint)}`);
    if (races.length > 0) write(`\n${racesText(races, paint)}`);
    if (leaks !== undefined) write(`\n${leaksText(leaks, paint)}`);
    if (gates !== undefined) write(`\n${gatesText(gates, confidence, paint)}`);
    if (comparison !== undefined) write(`\nagainst ${baselinePath}:\n${comparisonText(comparison, paint)}`);
    if (report.aborted)
      write(paint.bad('\nthe run was interrupted; the report holds the levels measured so far.'));
    if (shutdownError !== undefined) {
      write(
        paint.bad(
          `\nthe app failed to shut down: ${reasonOf(shutdownError)} — fix the scenario's close() (the results above were measured before it).`,
        ),
      );
    }
    const shown = (path: string): string => {
      const rel = relative(io.cwd, path);
      return rel === '' || rel.startsWith('..') ? path : rel;
    };
    write(`\nreport: ${written.map(shown).join(', ')}`);

    if (runReport.verdict === 'inconclusive')
      write(
        paint.warn(
          '\ninconclusive (exit 3): nothing failed, but not everything could be decided — see the lines marked ? or inconclusive above.',
        ),
      );
    return runReport.exitCode;
  },
};
