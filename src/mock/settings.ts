/**
 * Process-wide defaults for fray mocks.
 *
 * @module
 */

/** Settings read by every mock at call time. */
export interface MockSettings {
  /**
   * Capture where each call was made (about 1.5 µs per call), so `assertNoFloating()` and
   * fray/leaks can name the line. Default `true`; a mock's own `callSites` option wins.
   */
  callSites: boolean;
}

/** The live settings; internal, change them with {@link configureMocks}. */
export const mockSettings: MockSettings = { callSites: true };

/**
 * Change the defaults of every mock; returns the previous settings.
 *
 * @example
 * ```ts
 * // A hot benchmark loop that never needs call sites:
 * const previous = configureMocks({ callSites: false });
 * try { … } finally { configureMocks(previous); }
 * ```
 */
export function configureMocks(settings: Partial<MockSettings>): MockSettings {
  const previous = { ...mockSettings };
  if (settings.callSites !== undefined) mockSettings.callSites = settings.callSites;
  return previous;
}
