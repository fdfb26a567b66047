/**
 * The loopback servers of bench/load, each in its own process so neither load generator
 * shares a thread with them: `fast` answers at once; `stall` holds every response that
 * arrives in a stall window until the window ends, on a schedule anchored to an absolute
 * time (epoch ms) given by the parent, so the truth can be computed from intended starts.
 *
 * Usage (forked by bench/load/servers.ts): server-process.ts fast | stall <anchor> <period> <stall>
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [kind, anchorText, periodText, stallText] = process.argv.slice(2);
const anchor = Number(anchorText);
const period = Number(periodText);
const stall = Number(stallText);
const epochNow = (): number => performance.timeOrigin + performance.now();

const server = createServer((_req, res) => {
  if (kind !== 'stall') {
    res.end('ok');
    return;
  }
  const t = epochNow();
  const since = t - anchor;
  const offset = ((since % period) + period) % period;
  if (since >= 0 && offset < stall) setTimeout(() => res.end('ok'), stall - offset);
  else res.end('ok');
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
