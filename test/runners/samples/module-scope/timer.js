// What a test file might build once at its top level: an app whose poller never stops.
import { setTimeout } from 'node:timers';
export const startPoller = () => setTimeout(() => undefined, 4000); // left: module-scope timer
