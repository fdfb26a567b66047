/**
 * `fray compare base.json head.json`: compare two saved load reports level by level, print
 * the ratio with its confidence interval and the verdict, and exit 1 on a regression.
 *
 * @module
 */
import { CliUsageError } from '../../errors/index.ts';
import { compare, type CompareMetric, type LoadReport } from '../../load/index.ts';
import { readReportFile } from '../report-file.ts';
import { flagHelp, parseArgs, type FlagSpec } from '../args.ts';
import type { CliIO, Command } from '../command.ts';
import { comparisonText, paintFor } from '../summary.ts';
import { METRICS } from './run.ts';

const FLAGS: readonly FlagSpec[] = [
  {
    name: 'metric',
    alias: 'm',
    type: 'string',
    value: 'name',
    help: `what to compare: ${METRICS.join(', ')} (default p50)`,
  },
  {
    name: 'noise',
    type: 'string',
    value: 'fraction',
    help: 'changes smaller than this are noise, e.g. 0.05 or 5% (default 5%)',
  },
  { name: 'confidence', type: 'string', value: 'level', help: 'confidence of the interval (default 0.95)' },
  { name: 'seed', type: 'string', value: 'n', help: 'bootstrap seed (default: derived from the reports)' },
  {
    name: 'run-to-run',
    type: 'string',
    value: 'fraction',
    help: 'one run per side: changes within this are inconclusive (default 15%)',
  },
  { name: 'json', type: 'boolean', help: 'print the comparison as JSON' },
];

const USAGE = `Usage: fray compare <baseline.json> <current.json> [options]

Compare two reports written by \`fray run\` (or saved from load()): for each level, the
ratio current ÷ baseline of one metric with its confidence interval (bootstrap on the
saved histograms; paired rounds for the two sides of an A/B test; rounds over runs when a
side lists several reports, comma-separated: a1.json,a2.json,a3.json) and a verdict —
regression, noise, improvement, or inconclusive when the data cannot decide (one run per
side and a change within run-to-run variation, reports of different scenarios, one side
mostly errors).

Options:
${flagHelp(FLAGS)}

Exit codes: 0 no regression, 1 regression, 2 bad input, 3 inconclusive.
`;

function readReport(path: string, cwd: string): Promise<LoadReport> {
  return readReportFile(path, cwd, 'pass the report.json files written by `fray run`.');
}

function fraction(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(%)?$/.exec(text.trim());
  const value = match === null ? Number.NaN : Number(match[1]) / (match[2] === '%' ? 100 : 1);
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new CliUsageError(
      `--${flag} '${text}' is not a fraction below 1.`,
      `pass e.g. --${flag} ${flag === 'noise' ? '0.05' : '0.95'}.`,
    );
  }
  return value;
}

/** `fray compare`. */
export const compareCommand: Command = {
  name: 'compare',
  summary:
    'compare two load reports: ratio, confidence interval, verdict (exit 1 on regression, 3 inconclusive)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { flags, positionals } = parseArgs(args, FLAGS, 'compare');
    if (positionals.length !== 2) {
      throw new CliUsageError(
        `\`fray compare\` takes two reports, got ${positionals.length}.`,
        'run `fray compare base.json head.json`.',
      );
    }
    const metric = flags['metric'] as string | undefined;
    if (metric !== undefined && !METRICS.includes(metric as CompareMetric)) {
      throw new CliUsageError(
        `--metric '${metric}' is not a comparable metric.`,
        `use one of ${METRICS.join(', ')}.`,
      );
    }
    const seedText = flags['seed'] as string | undefined;
    const seed = seedText === undefined ? undefined : Number(seedText);
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)) {
      throw new CliUsageError(
        `--seed '${seedText}' is not a whole number from 0 to 4294967295.`,
        'pass e.g. --seed 42.',
      );
    }
    const [basePath, headPath] = positionals as [string, string];
    const side = async (list: string): Promise<LoadReport | LoadReport[]> => {
      const paths = list.split(',').filter((path) => path !== '');
      const reports = await Promise.all(paths.map((path) => readReport(path, io.cwd)));
      return reports.length === 1 ? (reports[0] as LoadReport) : reports;
    };
    const baseline = await side(basePath);
    const current = await side(headPath);
    const result = compare(baseline, current, {
      ...(flags['run-to-run'] === undefined
        ? {}
        : { runToRun: fraction(flags['run-to-run'] as string, 'run-to-run') }),
      ...(metric === undefined ? {} : { metric: metric as CompareMetric }),
      ...(flags['noise'] === undefined ? {} : { noise: fraction(flags['noise'] as string, 'noise') }),
      ...(flags['confidence'] === undefined
        ? {}
        : { confidence: fraction(flags['confidence'] as string, 'confidence') }),
      ...(seed === undefined ? {} : { seed }),
    });
    if (flags['json'] === true) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const paint = paintFor(io.stdout, io.env);
      io.stdout.write(
        `${paint.bold(`fray compare ${basePath} ${headPath}`)}\n\n${comparisonText(result, paint)}\n`,
      );
    }
    return result.verdict === 'regression' ? 1 : result.verdict === 'inconclusive' ? 3 : 0;
  },
};
