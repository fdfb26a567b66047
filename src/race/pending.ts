/**
 * The decisions waiting to be taken, in first-come order: which of them may be taken now,
 * and the order of real answers that arrived together.
 *
 * @module
 */
import type { Decision } from './state.ts';

/**
 * The decisions that may be taken now, first-come order: every begin/start/deliver by the
 * time it became pending, then the next timer to fire (timers fire in due order, ties in
 * creation order; first-come lets the outside world answer before a timer fires).
 */
export function enabledOf(pending: readonly Decision[]): Decision[] {
  const out: Decision[] = [];
  let timer: Decision | undefined;
  for (const decision of pending) {
    if (decision.kind !== 'fire') out.push(decision);
    else if (
      timer === undefined ||
      (decision.timer?.due ?? 0) < (timer.timer?.due ?? 0) ||
      ((decision.timer?.due ?? 0) === (timer.timer?.due ?? 0) && decision.seq < timer.seq)
    )
      timer = decision;
  }
  if (timer !== undefined) out.push(timer);
  return out;
}

/**
 * Real work (a query, a fetch, an answer on a socket, an awaited file read) that finished in
 * the same quiescent window — after decision number `since` — arrives in the order the
 * outside world answered: two connections released by one COMMIT answer in either order.
 * Their deliveries take the order their operations started in instead, so the pending list,
 * and with it a replay, does not depend on which socket was read first. Every other decision
 * keeps its place. Reorders `pending` in place.
 */
export function orderRealArrivals(pending: Decision[], since: number): void {
  // Called before every decision and rarely finds two: nothing is allocated until it does.
  let first = -1;
  let slots: number[] | undefined;
  for (let at = 0; at < pending.length; at++) {
    const decision = pending[at] as Decision;
    if (decision.kind !== 'deliver' || decision.seq <= since) continue;
    const op = decision.op;
    if (op?.real !== true && op?.kind !== 'await') continue;
    if (first < 0) first = at;
    else (slots ??= [first]).push(at);
  }
  if (slots === undefined) return;
  const arrived = slots.map((at) => pending[at] as Decision);
  arrived.sort(
    (a, b) =>
      (a.op?.startStep ?? -1) - (b.op?.startStep ?? -1) ||
      (a.op?.actor.index ?? 0) - (b.op?.actor.index ?? 0) ||
      (a.op?.id ?? 0) - (b.op?.id ?? 0),
  );
  slots.forEach((at, i) => {
    pending[at] = arrived[i] as Decision;
  });
}
