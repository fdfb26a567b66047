/**
 * fray/di — named dependencies that tests override per async context.
 *
 * Application code asks for a dependency with `use(Token)`; tests replace it with
 * `override(Token, value)` (restored by `using`), `withOverrides([...], fn)`, or
 * `inject(app, { overrides })` for every request of one client. Overrides live in
 * AsyncLocalStorage, so two tests running concurrently — and the requests each one makes —
 * never see each other's values, unlike a process-wide dict such as FastAPI's
 * `app.dependency_overrides`. Outside tests `use()` costs a property read.
 *
 * @example
 * ```ts
 * // app code
 * import { token, use } from 'fray/di';
 * export const Payments = token<PaymentsApi>('Payments', () => new StripePayments());
 * app.post('/checkout', async (req, res) => res.json(await use(Payments).charge(req.body)));
 *
 * // test
 * import { override } from 'fray/di';
 * using _ = override(Payments, { charge: asyncMock().resolves({ id: 'ch_1' }) });
 * const res = await client.post('/checkout', { json: { amount: 100 } });
 * ```
 *
 * @module
 */
export { token, use, isToken, type Token, type TokenValue } from './token.ts';
export {
  override,
  withOverrides,
  overrideScope,
  type OverrideEntry,
  type OverrideHandle,
  type OverridePairs,
  type OverrideScope,
} from './override.ts';
export { overrideBoundary } from './scope.ts';
