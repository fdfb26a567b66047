/**
 * Errors raised by `fray/di`: tokens, `use()` and overrides.
 *
 * @module
 */
import { FrayError } from './fray-error.ts';

/** `use(token)` found no override in the current async context and the token has no factory. */
export class DiUnresolvedError extends FrayError {
  /** The token's name. */
  readonly token: string;
  constructor(token: string) {
    super(
      'FRAY_DI_UNRESOLVED',
      `use(${token}): no value. The token has no factory and no override is active in this async context.`,
      {
        fix: `give the token a factory (token('${token}', () => value)) for production code paths, or override it in the test: \`using _ = override(${token}, value)\`, withOverrides([[${token}, value]], fn) or inject(app, { overrides: [[${token}, value]] }).`,
      },
    );
    this.token = token;
  }
}

/** A token's factory needs, directly or through other factories, the token it is building. */
export class DiCycleError extends FrayError {
  /** The tokens on the cycle, in the order they were requested. */
  readonly path: readonly string[];
  constructor(path: readonly string[]) {
    super('FRAY_DI_CYCLE', `use(): token factories depend on each other in a cycle: ${path.join(' -> ')}.`, {
      fix: 'break the cycle: let one factory receive its dependency lazily (call use() inside the functions it returns, not while it is built), or override one of the tokens.',
    });
    this.path = path;
  }
}

/** A token's factory threw; the error is the `cause`. The factory runs again on the next `use()`. */
export class DiFactoryError extends FrayError {
  /** The token's name. */
  readonly token: string;
  constructor(token: string, cause: unknown) {
    super('FRAY_DI_FACTORY', `use(${token}): the token's factory threw.`, {
      cause,
      fix: 'fix the factory (the original error is the `cause`), or override the token in tests that should not build the real value.',
    });
    this.token = token;
  }
}

/** fray/di was called with something that is not a token, or an override list that is malformed. */
export class DiUsageError extends FrayError {
  constructor(message: string, fix: string) {
    super('FRAY_DI_USAGE', message, { fix });
  }
}
