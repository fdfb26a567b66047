/**
 * The shop suite's setup: fray's matchers (awaits, races, load gates) registered and every
 * test checked by fray/leaks — nothing else.
 *
 * @module
 */
import 'fray/vitest/setup';
