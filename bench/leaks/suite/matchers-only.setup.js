// The baseline: fray's matchers registered, no leak detection.
import { expect } from 'vitest';
import { frayMatchers } from '../../../src/vitest/index.ts';

expect.extend(frayMatchers);
