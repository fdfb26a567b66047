/**
 * Request metrics kept in memory: counts by route and status, and latency percentiles.
 *
 * @module
 */

interface RouteStats {
  count: number;
  errors: number;
  latenciesMs: number[];
}

/** Collected by an `onResponse` hook; read by `GET /metrics`. */
export class Metrics {
  readonly #started: number;
  readonly #routes = new Map<string, RouteStats>();
  readonly #byStatus = new Map<number, number>();
  #inFlight = 0;

  constructor(now: number) {
    this.#started = now;
  }

  begin(): void {
    this.#inFlight++;
  }

  end(route: string, status: number, latencyMs: number): void {
    this.#inFlight--;
    const stats = this.#routes.get(route) ?? { count: 0, errors: 0, latenciesMs: [] };
    stats.count++;
    if (status >= 500) stats.errors++;
    // A bounded window: the last 1,000 latencies per route.
    if (stats.latenciesMs.push(latencyMs) > 1_000) stats.latenciesMs.shift();
    this.#routes.set(route, stats);
    this.#byStatus.set(status, (this.#byStatus.get(status) ?? 0) + 1);
  }

  snapshot(now: number): Record<string, unknown> {
    const routes: Record<string, unknown> = {};
    for (const [route, stats] of this.#routes) {
      const sorted = [...stats.latenciesMs].sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      routes[route] = { count: stats.count, errors: stats.errors, p50Ms: at(0.5), p99Ms: at(0.99) };
    }
    return {
      timestamp: new Date(now).toISOString(),
      uptimeSeconds: Math.round((now - this.#started) / 1_000),
      inFlight: this.#inFlight,
      byStatus: Object.fromEntries(this.#byStatus),
      routes,
    };
  }
}
