import { test } from 'node:test';
import { cleanTests } from '../shared/clean.js';

for (const [name, body, timeout] of cleanTests) test(name, { timeout }, body);
