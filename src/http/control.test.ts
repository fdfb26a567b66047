/**
 * Race control: every `inject` request asks `activeController()`; when one is active the
 * request is handed to `controller.run({ kind: 'http', label: 'METHOD /path', args }, start)`,
 * and `start` runs the app inside the caller's async context — so the app's own controlled
 * operations (fray mocks) and fray/di overrides are seen, wherever the controller calls it.
 */
import type http from 'node:http';
import express from 'express';
import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import {
  activeController,
  runWithController,
  type Operation,
  type OperationController,
} from '../control/index.ts';
import { override, token, use } from '../di/index.ts';
import { asyncMock } from '../mock/index.ts';
import { inject } from './index.ts';

/** A controller that holds every operation until the test starts it, from its own context. */
class HoldingController implements OperationController {
  readonly operations: Operation[] = [];
  readonly #held: (() => void)[] = [];
  #arrived: (() => void) | undefined;

  run<T>(operation: Operation, start: () => T | PromiseLike<T>): Promise<T> {
    this.operations.push(operation);
    this.#arrived?.();
    return new Promise<T>((resolve, reject) => {
      this.#held.push(() => {
        Promise.resolve(start()).then(resolve, reject);
      });
    });
  }

  /** Wait until `count` operations were requested. */
  async until(count: number): Promise<void> {
    while (this.operations.length < count) {
      await new Promise<void>((resolve) => {
        this.#arrived = resolve;
      });
    }
  }

  /** Start the oldest held operation — deliberately outside any controller context. */
  startNext(): void {
    const start = this.#held.shift();
    if (start === undefined) throw new Error('nothing held');
    runWithController(undefined, start);
  }
}

describe('inject under a race controller', () => {
  test('the request is one http operation, labelled METHOD /path, started when the controller says', async () => {
    // Arrange
    let handled = 0;
    const app: http.RequestListener = (_req, res) => {
      handled++;
      res.end('done');
    };
    await using client = await inject(app);
    const controller = new HoldingController();

    // Act
    const pending = runWithController(controller, () => client.get('/users/42?expand=orders'));
    await controller.until(1);
    const handledBeforeStart = handled;
    controller.startNext();
    const response = await pending;

    // Assert
    expect(controller.operations).toEqual([
      {
        kind: 'http',
        label: 'GET /users/42',
        args: [{ method: 'GET', url: 'http://localhost/users/42?expand=orders' }],
      },
    ]);
    expect(handledBeforeStart).toBe(0);
    expect(await response.text()).toBe('done');
  });

  test('the app runs in the caller’s context: its fray mocks are controlled too', async () => {
    const charge = asyncMock<(amount: number) => Promise<string>>(undefined, {
      name: 'payments.charge',
    }).resolves('ch_1');
    const app = express();
    app.post('/checkout', async (_req, res) => {
      res.json({ charge: await charge(100), controlled: activeController() !== undefined });
    });
    await using client = await inject(app);
    const controller = new HoldingController();

    const pending = runWithController(controller, () => client.post('/checkout'));
    await controller.until(1);
    controller.startNext();
    await controller.until(2);
    controller.startNext();
    const response = await pending;

    expect(controller.operations.map((operation) => `${operation.kind} ${operation.label}`)).toEqual([
      'http POST /checkout',
      'mock payments.charge',
    ]);
    expect(await response.json()).toEqual({ charge: 'ch_1', controlled: true });
  });

  test('fray/di overrides around a controlled request reach the handler', async () => {
    const Tenant = token('Tenant', () => 'default');
    const app = new Hono();
    app.get('/tenant', (c) => c.text(use(Tenant)));
    await using client = await inject(app);
    const controller = new HoldingController();

    const pending = runWithController(controller, async () => {
      using _ = override(Tenant, 'acme');
      const response = await client.get('/tenant');
      return await response.text();
    });
    await controller.until(1);
    controller.startNext();

    expect(await pending).toBe('acme');
  });

  test('without a controller nothing is consulted beyond the lookup', async () => {
    const app: http.RequestListener = (_req, res) => res.end(String(activeController() === undefined));
    await using client = await inject(app);

    expect(await (await client.get('/')).text()).toBe('true');
  });
});
