/**
 * Placing an order takes stock. Two implementations live side by side on purpose:
 *
 * - `naive` reads the stock, checks it in the application, then writes the new value: two
 *   concurrent orders for the last item both read 1, both pass the check, both write 0 —
 *   the item is sold twice. A couple of concurrent requests in a test rarely hit it.
 * - `conditional` lets the database decide in one statement
 *   (`update … set stock = stock - $1 where … and stock >= $1`), inside a transaction
 *   with the order insert: no interleaving can oversell.
 *
 * The demo's race exploration finds the first and proves the second.
 *
 * @module
 */
import { transaction, type Database, type Queryable } from '../db/database.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

/** How stock is taken. */
export type StockStrategy = 'naive' | 'conditional';

/** An order request. */
export interface OrderInput {
  userId: number;
  productId: number;
  quantity: number;
}

/** A placed order. */
export interface Order extends OrderInput {
  id: number;
}

/** A product with its stock. */
export interface Product {
  id: number;
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
}

const toProduct = (row: ProductRow): Product => ({
  id: Number(row.id),
  sku: row.sku,
  name: row.name,
  priceCents: row.price_cents,
  stock: row.stock,
});

async function insertOrder(db: Queryable, input: OrderInput): Promise<Order> {
  const result = await db.query<{ id: string }>(
    'insert into orders (user_id, product_id, quantity) values ($1, $2, $3) returning id',
    [input.userId, input.productId, input.quantity],
  );
  return { id: Number((result.rows[0] as { id: string }).id), ...input };
}

/** Orders and products. */
export class OrderService {
  readonly #db: Database;
  readonly #strategy: StockStrategy;
  constructor(db: Database, strategy: StockStrategy = 'conditional') {
    this.#db = db;
    this.#strategy = strategy;
  }

  async product(id: number): Promise<Product> {
    const result = await this.#db.query<ProductRow>(
      'select id, sku, name, price_cents, stock from products where id = $1',
      [id],
    );
    const row = result.rows[0];
    if (row === undefined) throw new NotFoundError(`product ${id} not found`);
    return toProduct(row);
  }

  async addProduct(input: Omit<Product, 'id'>): Promise<Product> {
    const result = await this.#db.query<ProductRow>(
      'insert into products (sku, name, price_cents, stock) values ($1, $2, $3, $4) returning id, sku, name, price_cents, stock',
      [input.sku, input.name, input.priceCents, input.stock],
    );
    return toProduct(result.rows[0] as ProductRow);
  }

  async place(input: OrderInput): Promise<Order> {
    return this.#strategy === 'naive' ? this.#placeNaive(input) : this.#placeConditional(input);
  }

  async #placeNaive(input: OrderInput): Promise<Order> {
    const product = await this.product(input.productId);
    if (product.stock < input.quantity) {
      throw new ConflictError(`only ${product.stock} of product ${input.productId} left`);
    }
    await this.#db.query('update products set stock = $1 where id = $2', [
      product.stock - input.quantity,
      input.productId,
    ]);
    return insertOrder(this.#db, input);
  }

  async #placeConditional(input: OrderInput): Promise<Order> {
    return transaction(this.#db, async (tx) => {
      const taken = await tx.query<{ stock: number }>(
        'update products set stock = stock - $1 where id = $2 and stock >= $1 returning stock',
        [input.quantity, input.productId],
      );
      if (taken.rowCount === 0) {
        const exists = await tx.query<{ stock: number }>('select stock from products where id = $1', [
          input.productId,
        ]);
        const row = exists.rows[0];
        if (row === undefined) throw new NotFoundError(`product ${input.productId} not found`);
        throw new ConflictError(`only ${row.stock} of product ${input.productId} left`);
      }
      return insertOrder(tx, input);
    });
  }

  /** How many units of a product were ordered in total (the oversell invariant's input). */
  async unitsOrdered(productId: number): Promise<number> {
    const result = await this.#db.query<{ units: string | null }>(
      'select sum(quantity) as units from orders where product_id = $1',
      [productId],
    );
    return Number(result.rows[0]?.units ?? 0);
  }
}
