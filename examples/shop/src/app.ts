/**
 * The shop service: a Fastify application with users, artists, products and orders on
 * PostgreSQL, a marketplace integration over OAuth2 with rotating refresh tokens and its
 * order webhooks, health,
 * metrics behind an API key, and a server-sent event stream of orders.
 *
 * Fastify, because it is what most Node teams run in production for JSON APIs: schema
 * validation, lifecycle hooks (`ready`/`onClose`) that fray/http's lifespan drives, and
 * an in-process request path worth testing against the real thing.
 *
 * @module
 */
import { EventEmitter, on } from 'node:events';
import { createServer } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerFactory } from 'fastify';
import { use } from 'fray/di';
import { ArtistService } from './artists/artist-service.ts';
import { Clock, Db, MeliFetch } from './deps.ts';
import { NotFoundError } from './errors.ts';
import { MeliClient, type MeliClientOptions } from './meli/meli-client.ts';
import { MarketplaceOrders, type OrderEvent, type WebhookStrategy } from './meli/order-events.ts';
import { TokenService, type RefreshStrategy } from './meli/token-service.ts';
import { TokenStore } from './meli/token-store.ts';
import { Metrics } from './ops/metrics.ts';
import { OrderService, type Order, type StockStrategy } from './orders/order-service.ts';
import { UserRepository } from './users/user-repository.ts';

/** Settings of one shop instance. */
export interface ShopConfig {
  /** Key required in `X-API-Key` for `GET /metrics`. */
  apiKey: string;
  /** How orders take stock. Default `conditional` (the safe one). */
  stock?: StockStrategy;
  /** How expired marketplace tokens are refreshed. Default `single-flight` (the safe one). */
  refresh?: RefreshStrategy;
  /** How the marketplace's order webhooks are applied. Default `commutative` (the safe one). */
  webhooks?: WebhookStrategy;
  /** Marketplace client settings (base URL, credentials, timeouts, retries, breaker). */
  meli: Omit<MeliClientOptions, 'fetch' | 'now'>;
}

const userSchema = {
  type: 'object',
  required: ['name', 'email'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    email: { type: 'string', format: 'email' },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/** Map Fastify's validation errors to FastAPI-style 422 details. */
function validationDetails(error: FastifyError): { loc: string[]; msg: string; type: string }[] {
  return (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.split('/').filter(Boolean);
    const missing = (issue.params as { missingProperty?: string }).missingProperty;
    return {
      loc: [error.validationContext ?? 'body', ...path, ...(missing === undefined ? [] : [missing])],
      msg: issue.message ?? 'invalid',
      type: issue.keyword,
    };
  });
}

/** How the app is embedded. */
export interface BuildOptions {
  /**
   * Runs the handling of every request inside it: e.g. `(handle) => scope.run(handle)` with a
   * fray/di `overrideScope([[Db, pool], …])`, to serve the app on other dependencies than the
   * tokens' defaults (the demo serves it on an embedded database this way). Default: none.
   */
  around?: (handle: () => void) => void;
}

/**
 * Build the shop. Nothing listens: `await app.ready()` starts it, `app.listen()` serves it,
 * `inject(app)` tests it in-process. The database, the marketplace's fetch and the clock
 * are resolved per request from the tokens in `deps.ts`, so one app serves every test,
 * each with its own overrides.
 *
 * @example
 * ```ts
 * const app = buildApp({ apiKey, meli });
 * await app.listen({ port: 3000 });
 * ```
 */
export function buildApp(config: ShopConfig, options: BuildOptions = {}): FastifyInstance {
  const now = (): number => use(Clock)();
  const db = () => use(Db);
  // allErrors: a 422 lists every invalid field, as FastAPI's does.
  const around = options.around;
  // Fastify's documented hook for owning the server: every request enters `around` first.
  const serverFactory: FastifyServerFactory | undefined =
    around === undefined
      ? undefined
      : (handler) => createServer((request, reply) => around(() => handler(request, reply)));
  const app = Fastify({
    logger: false,
    ajv: { customOptions: { allErrors: true } },
    ...(serverFactory === undefined ? {} : { serverFactory }),
  });
  const metrics = new Metrics(now());
  const orderEvents = new EventEmitter();
  orderEvents.setMaxListeners(0);

  const users = () => new UserRepository(db());
  const marketplaceOrders = () => new MarketplaceOrders(db(), config.webhooks ?? 'commutative');
  const artists = () => new ArtistService(db());
  const orders = () => new OrderService(db(), config.stock ?? 'conditional');
  // Stateful across requests: the circuit breaker and the single-flight refreshes.
  const meli = new MeliClient({ ...config.meli, fetch: (input, init) => use(MeliFetch)(input, init), now });
  const tokens = new TokenService(() => new TokenStore(db()), meli, config.refresh ?? 'single-flight', now);

  const started = new WeakMap<object, number>();
  app.addHook('onRequest', (request, _reply, done) => {
    started.set(request, performance.now());
    metrics.begin();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = `${request.method} ${request.routeOptions.url ?? 'unmatched'}`;
    metrics.end(route, reply.statusCode, performance.now() - (started.get(request) ?? performance.now()));
    done();
  });

  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    if (error.validation) return reply.code(422).send({ detail: validationDetails(error) });
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 600) {
      return reply.code(status).send({ detail: error.message });
    }
    if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ detail: error.message });
    }
    return reply.code(500).send({ detail: 'internal server error' });
  });

  // ---- operations
  app.get('/health', async () => {
    await db().query('select 1');
    return { status: 'ok', database: 'ok' };
  });

  app.get('/metrics', async (request, reply) => {
    const key = request.headers['x-api-key'];
    if (key === undefined) return reply.code(401).send({ detail: 'missing X-API-Key header' });
    if (key !== config.apiKey) return reply.code(403).send({ detail: 'invalid API key' });
    return metrics.snapshot(now());
  });

  // ---- users
  app.get('/api/v1/users', async () => users().list());
  app.get<{ Params: { id: number } }>(
    '/api/v1/users/:id',
    { schema: { params: idParams } },
    async (request) => users().get(request.params.id),
  );
  app.post<{ Body: { name: string; email: string } }>(
    '/api/v1/users',
    { schema: { body: userSchema } },
    async (request, reply) => reply.code(201).send(await users().create(request.body)),
  );
  app.put<{ Params: { id: number }; Body: { name: string; email: string } }>(
    '/api/v1/users/:id',
    { schema: { params: idParams, body: userSchema } },
    async (request) => users().update(request.params.id, request.body),
  );
  app.delete<{ Params: { id: number } }>(
    '/api/v1/users/:id',
    { schema: { params: idParams } },
    async (request, reply) => {
      await users().remove(request.params.id);
      return reply.code(204).send();
    },
  );

  // ---- artists
  app.post<{ Body: { name: string; genre?: string; albums?: string[] } }>(
    '/api/v1/artists',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1 },
            genre: { type: 'string' },
            albums: { type: 'array', items: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
    async (request, reply) => reply.code(201).send(await artists().create(request.body)),
  );
  app.get<{ Params: { id: number } }>(
    '/api/v1/artists/:id',
    { schema: { params: idParams } },
    async (request) => artists().get(request.params.id),
  );

  // ---- products and orders
  app.get<{ Params: { id: number } }>(
    '/api/v1/products/:id',
    { schema: { params: idParams } },
    async (request) => orders().product(request.params.id),
  );
  app.post<{ Body: { userId: number; productId: number; quantity: number } }>(
    '/api/v1/orders',
    {
      schema: {
        body: {
          type: 'object',
          required: ['userId', 'productId', 'quantity'],
          properties: {
            userId: { type: 'integer', minimum: 1 },
            productId: { type: 'integer', minimum: 1 },
            quantity: { type: 'integer', minimum: 1, maximum: 100 },
          },
        },
      },
    },
    async (request, reply) => {
      const order = await orders().place(request.body);
      orderEvents.emit('order', order);
      return reply.code(201).send(order);
    },
  );

  // Server-sent events: every order placed from now on, until the client goes away.
  app.get('/api/v1/orders/events', async (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    reply.raw.write(': connected\n\n');
    const closed = new AbortController();
    request.raw.once('close', () => closed.abort());
    try {
      for await (const [order] of on(orderEvents, 'order', { signal: closed.signal }) as AsyncIterable<
        [Order]
      >) {
        reply.raw.write(`event: order\ndata: ${JSON.stringify(order)}\n\n`);
      }
    } catch (error) {
      if (!closed.signal.aborted) throw error;
    } finally {
      reply.raw.end();
    }
  });

  // ---- marketplace
  const userIdOf = (header: string | string[] | undefined): number => {
    const id = Number(Array.isArray(header) ? header[0] : header);
    if (!Number.isInteger(id) || id < 1)
      throw Object.assign(new Error('X-User-Id header must be a user id'), { status: 401 });
    return id;
  };
  app.get('/meli/user', async (request) => {
    const accessToken = await tokens.accessTokenFor(userIdOf(request.headers['x-user-id']));
    return meli.getUser(accessToken);
  });
  app.get('/meli/products', async (request) => {
    const accessToken = await tokens.accessTokenFor(userIdOf(request.headers['x-user-id']));
    const me = await meli.getUser(accessToken);
    return { seller: me.nickname, products: await meli.getProducts(accessToken, me.id) };
  });

  // The marketplace's order notifications, and the status the seller sees.
  app.post<{ Body: OrderEvent }>(
    '/webhooks/meli',
    {
      schema: {
        body: {
          type: 'object',
          required: ['type', 'data'],
          properties: {
            type: { type: 'string', enum: ['order.created', 'order.paid'] },
            data: {
              type: 'object',
              required: ['id'],
              properties: { id: { type: 'integer', minimum: 1 } },
            },
          },
        },
      },
    },
    // 200 either way: a notification the shop ignores is acknowledged and never sent again.
    async (request) => ({ result: await marketplaceOrders().apply(request.body) }),
  );
  app.get<{ Params: { id: number } }>(
    '/api/v1/marketplace/orders/:id',
    { schema: { params: idParams } },
    async (request) => {
      const status = await marketplaceOrders().status(request.params.id);
      if (status === undefined) throw new NotFoundError(`marketplace order ${request.params.id} not found`);
      return { id: request.params.id, status };
    },
  );

  return app;
}
