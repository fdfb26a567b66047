/**
 * The marketplace's order webhooks: it tells the shop that an order was created and, once
 * the buyer paid, that it was paid — two notifications, each on its own HTTP request, so
 * they may arrive (and be handled) in either order, or at the same time. Two handlers live
 * side by side on purpose:
 *
 * - `naive` assumes the order it is told about: `order.created` inserts the order,
 *   `order.paid` updates it — and when `order.paid` arrives first there is nothing to
 *   update, so it is acknowledged (the marketplace will not send it again) and lost. The
 *   order stays unpaid. Two webhooks fired together in a test arrive in the order they were
 *   sent: finding it needs the second to be started first.
 * - `commutative` makes each notification an upsert that only moves the status forward:
 *   whatever the order of arrival, a paid order ends `paid`.
 *
 * @module
 */
import type { Queryable } from '../db/database.ts';

/** How the webhooks are applied. */
export type WebhookStrategy = 'naive' | 'commutative';

/** One notification: `{ type: 'order.paid', data: { id: 2000001 } }`. */
export interface OrderEvent {
  readonly type: 'order.created' | 'order.paid';
  readonly data: { readonly id: number };
}

/** What became of a notification. */
export type EventResult = 'applied' | 'ignored';

/** Applies order notifications to `marketplace_orders`. */
export class MarketplaceOrders {
  readonly #db: Queryable;
  readonly #strategy: WebhookStrategy;
  constructor(db: Queryable, strategy: WebhookStrategy = 'commutative') {
    this.#db = db;
    this.#strategy = strategy;
  }

  async apply(event: OrderEvent): Promise<EventResult> {
    const id = event.data.id;
    if (this.#strategy === 'commutative') {
      await this.#db.query(
        event.type === 'order.created'
          ? "insert into marketplace_orders (id, status) values ($1, 'created') on conflict (id) do nothing"
          : "insert into marketplace_orders (id, status) values ($1, 'paid') on conflict (id) do update set status = 'paid', updated_at = now()",
        [id],
      );
      return 'applied';
    }
    if (event.type === 'order.created') {
      await this.#db.query("insert into marketplace_orders (id, status) values ($1, 'created')", [id]);
      return 'applied';
    }
    const updated = await this.#db.query(
      "update marketplace_orders set status = 'paid', updated_at = now() where id = $1 returning id",
      [id],
    );
    return updated.rowCount === 0 ? 'ignored' : 'applied';
  }

  /** The order's status, or `undefined` for an order the shop never heard of. */
  async status(id: number): Promise<'created' | 'paid' | undefined> {
    const { rows } = await this.#db.query<{ status: 'created' | 'paid' }>(
      'select status from marketplace_orders where id = $1',
      [id],
    );
    return rows[0]?.status;
  }
}
