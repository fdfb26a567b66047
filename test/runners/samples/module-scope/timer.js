// What a test file might build once at its top level: an app whose poller never stops.
export function startPoller() {
  return setTimeout(() => undefined, 4000); // left: module-scope timer
}
