/**
 * `token()` and `use()`: named, typed dependencies that application code asks for and tests
 * override. With no override active, `use()` returns the token's default (its factory's
 * value, built once) at the cost of a property read: no AsyncLocalStorage lookup happens
 * until the process creates its first override.
 *
 * @module
 */
import { DiCycleError, DiFactoryError, DiUnresolvedError, DiUsageError } from '../errors/index.ts';
import { find, NOT_FOUND, slot } from './scope.ts';

const BRAND: unique symbol = Symbol.for('fray.di.token') as never;

/**
 * A typed dependency. Create it with {@link token}, read it with {@link use}, replace it in
 * tests with `override()`.
 */
export interface Token<T> {
  /** The name used in messages (`use(Db)`). */
  readonly name: string;
  /** Whether the token has a factory, i.e. a value outside tests. */
  readonly hasFactory: boolean;
  /** `Token(Db)`. */
  toString(): string;
  /** Phantom: keeps `Token<A>` and `Token<B>` apart (the token is invariant in `T`). */
  readonly __type?: (value: T) => T;
}

/** The value type of a token. */
export type TokenValue<K> = K extends Token<infer T> ? T : never;

const UNBUILT = 0;
const BUILT = 1;
const BUILDING = 2;

class DependencyToken<T> implements Token<T> {
  declare readonly __type?: (value: T) => T;
  declare readonly [BRAND]: true;
  readonly name: string;
  readonly #factory: (() => T) | undefined;
  #state = UNBUILT;
  #value: T | undefined = undefined;

  constructor(name: string, factory: (() => T) | undefined) {
    this.name = name;
    this.#factory = factory;
    Object.defineProperty(this, BRAND, { value: true });
  }

  get hasFactory(): boolean {
    return this.#factory !== undefined;
  }

  /** The default value: the factory's result, built once, outside every override scope. */
  defaultValue(): T {
    if (this.#state === BUILT) return this.#value as T;
    return this.#build();
  }

  #build(): T {
    const factory = this.#factory;
    if (factory === undefined) throw new DiUnresolvedError(this.name);
    if (this.#state === BUILDING) {
      const from = building.indexOf(this);
      throw new DiCycleError([...building.slice(from), this].map((token) => token.name));
    }
    this.#state = BUILDING;
    building.push(this);
    try {
      // Built with no override in force, so a default never captures one test's values.
      const value = slot.storage.run(undefined, factory);
      this.#value = value;
      this.#state = BUILT;
      return value;
    } catch (error) {
      this.#state = UNBUILT;
      if (error instanceof DiCycleError || error instanceof DiFactoryError) throw error;
      throw new DiFactoryError(this.name, error);
    } finally {
      building.pop();
    }
  }

  toString(): string {
    return `Token(${this.name})`;
  }
}

/** Tokens whose factories are running, outermost first (factories are synchronous). */
const building: DependencyToken<any>[] = [];

/**
 * Create a token. `factory` builds the value used when no override is active (production
 * code paths); it runs once, on first use, with no override in force, and its result is kept.
 * A token without a factory must be overridden wherever it is used.
 *
 * @example
 * ```ts
 * import { token, use } from 'fray/di';
 *
 * export const Clock = token<() => number>('Clock', () => Date.now);
 * export const Mailer = token<Mailer>('Mailer', () => new SmtpMailer(process.env.SMTP_URL));
 *
 * app.post('/signup', async (req, res) => {
 *   await use(Mailer).send(req.body.email, `Welcome! (${use(Clock)()})`);
 *   res.status(201).end();
 * });
 * ```
 */
export function token<T>(name: string, factory?: () => T): Token<T> {
  if (typeof name !== 'string' || name === '') {
    throw new DiUsageError(
      'token(name): the name must be a non-empty string.',
      "token<Db>('Db', () => pool)",
    );
  }
  if (factory !== undefined && typeof factory !== 'function') {
    throw new DiUsageError(
      `token('${name}', factory): the factory must be a function, got ${typeof factory}.`,
      `wrap the value: token('${name}', () => value).`,
    );
  }
  return new DependencyToken(name, factory);
}

/**
 * Whether `value` is a token (from any copy of fray in the process).
 *
 * @example
 * ```ts
 * isToken(Clock); // true
 * ```
 */
export function isToken(value: unknown): value is Token<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The value of `token` here: the innermost override active in the current async context,
 * else the token's default. Call it where the value is needed (in the handler, the method),
 * not once at module load, so overrides made later apply.
 *
 * @example
 * ```ts
 * const now = use(Clock)();
 * ```
 */
export function use<T>(token: Token<T>): T {
  const dependency = token as DependencyToken<T>;
  if (slot.active) {
    const layer = slot.storage.getStore();
    if (layer !== undefined) {
      const value = find(layer, token);
      if (value !== NOT_FOUND) return value as T;
    }
  }
  if (!(dependency instanceof DependencyToken)) return foreignDefault(token);
  return dependency.defaultValue();
}

/** A token created by another copy of fray: it carries its own `defaultValue()`. */
function foreignDefault<T>(token: Token<T>): T {
  if (isToken(token) && typeof (token as { defaultValue?: unknown }).defaultValue === 'function') {
    return (token as unknown as { defaultValue(): T }).defaultValue();
  }
  throw new DiUsageError(
    `use(): expected a token, got ${describe(token)}.`,
    "create tokens with token<T>('Name', factory) and pass the token itself to use().",
  );
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `a function (${value.name || 'anonymous'})`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'null prototype'})`;
  return `${typeof value} ${primitive(value)}`;
}

function primitive(value: unknown): string {
  return typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
    ? String(value)
    : typeof value;
}
