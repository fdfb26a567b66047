/**
 * `random`: a random walk over the schedules (Coyote's and Shuttle's random scheduler). Unlike
 * fast-check's scheduler it also reorders *begins* (arrivals) and timer firings, not only
 * resolutions.
 *
 * Every step picks uniformly among the enabled decisions — except that while tasks are still
 * waiting to begin, a begin is picked {@link BEGIN_BIAS} of the time. A task's begin runs its
 * code up to its first scheduling point, so most schedules differ only after it; were begins
 * just more coin flips, they would dilute the ones that matter. On SCTBench's programs (200
 * seeds each, `bench/race/sctbench/random-walk.ts`) the uniform walk needed 1.26–1.38× fast-check's
 * runs to the first failure on six programs (deadlock01, reorder_3/4/5, twostage,
 * bluetooth_driver; beyond the 95% interval); with the bias every program is within its interval
 * of fast-check's (geometric mean 1.00×). A late arrival — a task that begins after another has
 * taken steps — keeps a chance at every step (`random.test.ts`).
 *
 * @module
 */
import { prng } from '../prng.ts';
import type { Chooser, RunRecord } from '../run-types.ts';
import type { Decision } from '../state.ts';
import type { Coverage, Strategy } from './strategy.ts';

/**
 * How often a begin is picked when begins and other decisions are enabled together: 0.9. At 1
 * a task could never begin after another's steps; 0.75 measured the same as 0.9 within noise
 * (five programs, 100 seeds); 0.5 worse than uniform on SCTBench. The cost: a race whose
 * reader must arrive late (the corpus's stale-cache) takes 1.33× the uniform walk's runs.
 */
export const BEGIN_BIAS = 0.9;

/** The random strategy, seeded. */
export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly #chooser: Chooser;
  #runs = 0;

  constructor(seed: number) {
    const random = prng(seed, 0x7a11);
    this.#chooser = {
      choose: (enabled) => {
        const n = enabled.length;
        if (n < 2) return 0;
        let begins = 0;
        for (let i = 0; i < n; i++) if ((enabled[i] as Decision).kind === 'begin') begins++;
        if (begins === 0 || begins === n) return random.int(n);
        const begin = random.next() < BEGIN_BIAS;
        let k = random.int(begin ? begins : n - begins);
        for (let i = 0; i < n; i++) {
          if (((enabled[i] as Decision).kind === 'begin') === begin && k-- === 0) return i;
        }
        return n - 1; // unreachable: k counts down within the picked group
      },
    };
  }

  next(): { chooser: Chooser; by: string } {
    return { by: this.name, chooser: this.#chooser };
  }

  observe(_record: RunRecord): void {
    this.#runs++;
  }

  coverage(): Coverage[] {
    return [{ name: this.name, runs: this.#runs }];
  }
}
