import { test } from 'vitest';
import { cleanTests } from '../shared/clean.js';

for (const [name, body, timeout] of cleanTests) test(name, body, timeout);
