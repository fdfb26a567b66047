/**
 * `random`: every step picks uniformly among the enabled decisions (Coyote's and Shuttle's
 * random scheduler). Unlike fast-check's scheduler it also reorders *starts* (arrivals) and
 * timer firings, not only resolutions.
 *
 * @module
 */
import { prng } from '../prng.ts';
import type { Chooser, RunRecord } from '../run-types.ts';
import type { Coverage, Strategy } from './strategy.ts';

/** The random strategy, seeded. */
export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly #random;
  #runs = 0;

  constructor(seed: number) {
    this.#random = prng(seed, 0x7a11);
  }

  next(): { chooser: Chooser; by: string } {
    const random = this.#random;
    return {
      by: this.name,
      chooser: { choose: (enabled) => (enabled.length < 2 ? 0 : random.int(enabled.length)) },
    };
  }

  observe(_record: RunRecord): void {
    this.#runs++;
  }

  coverage(): Coverage[] {
    return [{ name: this.name, runs: this.#runs }];
  }
}
