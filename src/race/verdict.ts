/**
 * Which strategy an exploration runs, and what its pass may claim: `exhaustive` only when DFS
 * exhausted the tree, PCT's probability bounds, and the one-line summary that says either —
 * or, when fray did not control everything, why the pass is not a proof.
 *
 * @module
 */
import { plural } from './format.ts';
import type { NormalizedOptions } from './options.ts';
import { DfsStrategy } from './strategies/dfs.ts';
import { PctStrategy, type PctBound } from './strategies/pct.ts';
import { PortfolioStrategy } from './strategies/portfolio.ts';
import { RandomStrategy } from './strategies/random.ts';
import type { Strategy } from './strategies/strategy.ts';
import type { ControlGap } from './types.ts';

/** The strategy the options name, seeded. */
export function makeStrategy(options: NormalizedOptions): Strategy {
  const s = options.strategy;
  const kind = typeof s === 'string' ? s : s.kind;
  switch (kind) {
    case 'random':
      return new RandomStrategy(options.seed);
    case 'pct':
      return new PctStrategy(options.seed, typeof s === 'object' && s.kind === 'pct' ? (s.depth ?? 2) : 2);
    case 'dfs':
      return new DfsStrategy(typeof s === 'object' && s.kind === 'dfs' ? (s.bound ?? Infinity) : Infinity);
    default:
      return new PortfolioStrategy(
        options.seed,
        options.runs,
        Number.POSITIVE_INFINITY,
        typeof s === 'object' && s.kind === 'portfolio' ? s.turns : undefined,
      );
  }
}

export function pctBounds(strategy: Strategy): PctBound[] {
  if (strategy instanceof PortfolioStrategy) return strategy.bounds();
  if (strategy instanceof PctStrategy) return strategy.bound().runs > 0 ? [strategy.bound()] : [];
  return [];
}

export function isExhaustive(strategy: Strategy): boolean {
  if (strategy instanceof PortfolioStrategy) return strategy.dfs.exhaustive;
  if (strategy instanceof DfsStrategy) return strategy.exhaustive;
  return false;
}

function percent(p: number): string {
  if (p >= 0.1) return `${(p * 100).toFixed(1)}%`;
  if (p >= 0.0001) return `${(p * 100).toFixed(3)}%`;
  return `${p.toExponential(1)}`;
}

/**
 * What a PCT bound does not cover, where its runs had it: the order of one task's own steps.
 * `again`: said for an earlier depth, so said short.
 */
function ownOrderCaveat(bound: PctBound, again: boolean): string {
  if (bound.ownOrderRuns === 0) return '';
  const many = bound.ownOrderRuns === bound.runs ? 'all of them' : `${bound.ownOrderRuns} of them`;
  return again
    ? ` — in ${many} a task's own order was sampled, not bounded`
    : ` — in ${many} a task had two of its own operations or timers ready at once, an order PCT samples but does not bound`;
}

/** Distinct schedules DFS explored (other strategies' runs may repeat them). */
function schedulesExplored(strategy: Strategy): number {
  const dfs = strategy.coverage().find((c) => c.name === 'dfs');
  return dfs?.schedules ?? dfs?.runs ?? 0;
}

/** Why a pass is not a proof: one line per gap. */
export function gapLines(gaps: readonly ControlGap[]): string {
  return gaps.map((gap) => `\n  - ${gap.what} — ${gap.fix}`).join('');
}

/** The summary of a passing exploration: a proof, PCT's bounds, or why it is neither. */
export function passSummary(
  strategy: Strategy,
  runs: number,
  options: NormalizedOptions,
  exhaustive: boolean,
  gaps: readonly ControlGap[],
): string {
  if (gaps.length > 0)
    return `passed ${plural(runs, 'run')} (${strategyName(options)}, seed ${options.seed}), but this is not a proof: fray did not control everything the tasks did, so schedules it could not reach were never tried:${gapLines(gaps)}`;
  if (exhaustive) {
    const schedules = schedulesExplored(strategy);
    return `passed: all ${plural(schedules, 'schedule')} explored (exhaustive${schedules === runs ? '' : `; ${plural(runs, 'run')} in all`}).`;
  }
  const parts: string[] = [];
  for (const c of strategy.coverage()) {
    if (c.name === 'dfs') {
      if (
        c.bounded === true &&
        c.exhaustive !== true &&
        (c.completeUpTo ?? -1) >= 0 &&
        strategy instanceof DfsStrategy &&
        strategy.done
      )
        parts.push(
          `dfs explored all ${plural(c.schedules ?? c.runs, 'schedule')} with ≤ ${c.completeUpTo} deviations`,
        );
      else if ((c.completeUpTo ?? -1) >= 0)
        parts.push(
          `dfs covered every schedule with ≤ ${c.completeUpTo} deviation${c.completeUpTo === 1 ? '' : 's'} (${plural(c.runs, 'run')})`,
        );
      else parts.push(`dfs ${plural(c.runs, 'run')}`);
    } else if (c.depth === undefined) parts.push(`${c.name} ${plural(c.runs, 'run')}`);
  }
  let unbounded = false;
  let ownOrderSaid = false;
  for (const b of pctBounds(strategy)) {
    const head = `pct(d=${b.depth}) ${plural(b.runs, 'run')}`;
    if (b.perRun > 0) {
      parts.push(
        `${head}: each hits a given depth-${b.depth} bug in the order of tasks with p ≥ 1/(${b.n}${b.depth > 1 ? `·${b.k}${b.depth > 2 ? `^${b.depth - 1}` : ''}` : ''}) = ${percent(b.perRun)}, so one survives them all with p ≤ ${percent(b.missed)}${ownOrderCaveat(b, ownOrderSaid)}`,
      );
      ownOrderSaid ||= b.ownOrderRuns > 0;
    } else {
      // Fewer than two tasks, or none ever able to move at one step: no order of tasks to bound.
      parts.push(
        unbounded
          ? `${head}: no bound either`
          : `${head}: no bound — no step let two tasks move (PCT bounds bugs in the order of tasks; the order of timers and of a task's own results it samples, not bounds)`,
      );
      unbounded = true;
    }
  }
  return `passed ${plural(runs, 'run')} (${strategyName(options)}, seed ${options.seed}): ${parts.join('; ')}.`;
}

/**
 * The strategy's name in results and reports: `portfolio`, `pct(d=2)`, `dfs(bound=2)`,
 * `portfolio(turns=dfs,random×2)`… A portfolio given its own turns names them (consecutive
 * repeats as `×n`): with the seed, the name is what it takes to explore the same schedules
 * again, and the default portfolio on that seed would try others.
 */
export function strategyName(options: NormalizedOptions): string {
  const s = options.strategy;
  if (typeof s === 'string') return s === 'pct' ? 'pct(d=2)' : s;
  if (s.kind === 'pct') return `pct(d=${s.depth ?? 2})`;
  if (s.kind === 'dfs') return s.bound === undefined ? 'dfs' : `dfs(bound=${s.bound})`;
  if (s.kind === 'random') return 'random';
  return s.turns === undefined ? 'portfolio' : `portfolio(turns=${runLengths(s.turns)})`;
}

/** `['dfs', 'dfs', 'random']` → `dfs×2,random`. */
function runLengths(turns: readonly string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < turns.length;) {
    let j = i + 1;
    while (j < turns.length && turns[j] === turns[i]) j++;
    parts.push(j - i === 1 ? turns[i]! : `${turns[i]!}×${j - i}`);
    i = j;
  }
  return parts.join(',');
}
