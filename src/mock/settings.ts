/**
 * Process-wide defaults for fray mocks.
 *
 * @module
 */

/** Settings read by every mock at call time. */
export interface MockSettings {
  /**
   * Capture where calls are made, so `assertNoFloating()`, the await assertions and
   * fray/leaks can name the line of a promise nobody awaited. Default `true`; a mock's own
   * `callSites` option wins.
   */
  callSites: boolean;
  /**
   * How many calls of each mock capture their call site. A capture costs 1–2 µs (a stack
   * walk), about ten times a whole mock call, so past this many calls a mock stops
   * capturing and reports say so. Default `1_000`: every call of an ordinary unit test,
   * while hot loops (load runs, race exploration) keep `vi.fn` speed. `Infinity` captures
   * every call.
   */
  callSiteLimit: number;
}

/** The live settings; internal, change them with {@link configureMocks}. */
export const mockSettings: MockSettings = { callSites: true, callSiteLimit: 1_000 };

/**
 * Change the defaults of every mock; returns the previous settings.
 *
 * @example
 * ```ts
 * // Hunting a floating promise made deep into a long run:
 * const previous = configureMocks({ callSiteLimit: Infinity });
 * try { … } finally { configureMocks(previous); }
 * ```
 */
export function configureMocks(settings: Partial<MockSettings>): MockSettings {
  const previous = { ...mockSettings };
  if (settings.callSites !== undefined) mockSettings.callSites = settings.callSites;
  if (settings.callSiteLimit !== undefined) mockSettings.callSiteLimit = settings.callSiteLimit;
  return previous;
}
