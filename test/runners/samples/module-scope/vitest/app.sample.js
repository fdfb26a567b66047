// A test file that builds its app once, at the top of the module, and never stops it.
import { test } from 'vitest';
import { startPoller } from '../timer.js';

startPoller();

test('uses the app', () => {});
