/**
 * A small PostgreSQL lexer: enough to split a script into statements and read the first
 * keywords of each, without being fooled by comments, quoted strings, quoted identifiers,
 * dollar-quoted bodies or SQL-standard function bodies (`BEGIN ATOMIC … END`).
 *
 * fray/db needs it for two things: spotting the application's transaction-control
 * statements (`BEGIN`, `COMMIT`, …) inside `isolated()`, and naming the failing statement
 * and line of a migration file. The statement-boundary rule follows psql's own scanner
 * (`psqlscan.l`): a `;` ends a statement unless it is inside a `BEGIN`/`CASE` … `END` block
 * that is not the statement's first word.
 *
 * @module
 */

/** One statement of a script, with its offsets in the original text. */
export interface SqlStatement {
  /** The statement, without surrounding whitespace and without its terminating `;`. */
  readonly text: string;
  /** Offset of the statement's first character in the script (0-based). */
  readonly start: number;
  /** Offset just past the statement's last character (its `;` is not included). */
  readonly end: number;
}

function isIdentStart(code: number): boolean {
  return (
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 || // _
    code >= 128
  );
}

function isIdentPart(code: number): boolean {
  return isIdentStart(code) || (code >= 48 && code <= 57) || code === 36; // 0-9 $
}

/**
 * Index just past the comment, string, quoted identifier or dollar-quoted body starting at
 * `i`, or `-1` when nothing of the sort starts there. Unterminated constructs run to the end
 * of the text, as PostgreSQL would report them.
 */
function skipQuotedOrComment(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if (c === 45 && next === 45) {
    // -- comment, to end of line
    const eol = text.indexOf('\n', i + 2);
    return eol === -1 ? text.length : eol + 1;
  }
  if (c === 47 && next === 42) {
    // /* comment */, nested
    let depth = 1;
    let j = i + 2;
    while (j < text.length && depth > 0) {
      if (text.charCodeAt(j) === 47 && text.charCodeAt(j + 1) === 42) {
        depth++;
        j += 2;
      } else if (text.charCodeAt(j) === 42 && text.charCodeAt(j + 1) === 47) {
        depth--;
        j += 2;
      } else j++;
    }
    return j;
  }
  if (c === 39) {
    // '…' — E'…' strings allow backslash escapes; the caller tells us by the prefix.
    const escapes =
      i > 0 && (text[i - 1] === 'E' || text[i - 1] === 'e') && !isIdentPart(text.charCodeAt(i - 2));
    let j = i + 1;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (escapes && d === 92) j += 2;
      else if (d === 39) {
        if (text.charCodeAt(j + 1) === 39) j += 2;
        else return j + 1;
      } else j++;
    }
    return text.length;
  }
  if (c === 34) {
    // "identifier"
    let j = i + 1;
    while (j < text.length) {
      if (text.charCodeAt(j) === 34) {
        if (text.charCodeAt(j + 1) === 34) j += 2;
        else return j + 1;
      } else j++;
    }
    return text.length;
  }
  if (c === 36 && (i === 0 || !isIdentPart(text.charCodeAt(i - 1)))) {
    // $tag$…$tag$ (but not $1, a parameter)
    let j = i + 1;
    if (j < text.length && text.charCodeAt(j) !== 36) {
      if (!isIdentStart(text.charCodeAt(j))) return -1;
      while (j < text.length && isIdentPart(text.charCodeAt(j)) && text.charCodeAt(j) !== 36) j++;
      if (text.charCodeAt(j) !== 36) return -1;
    }
    const tag = text.slice(i, j + 1);
    const close = text.indexOf(tag, j + 1);
    return close === -1 ? text.length : close + tag.length;
  }
  return -1;
}

/** A token the statement scanner cares about. */
interface Token {
  readonly kind: 'word' | 'other';
  readonly start: number;
  readonly end: number;
}

/** Iterate the words and single punctuation characters of `text`, skipping the rest. */
function* tokens(text: string, from = 0, to = text.length): Generator<Token> {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    const skipped = skipQuotedOrComment(text, i);
    if (skipped !== -1) {
      // Strings and quoted identifiers are tokens (they matter for word counting);
      // comments are not.
      const isComment = c === 45 || c === 47;
      if (!isComment) yield { kind: 'other', start: i, end: skipped };
      i = skipped;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < to && isIdentPart(text.charCodeAt(j))) j++;
      yield { kind: 'word', start: i, end: j };
      i = j;
      continue;
    }
    yield { kind: 'other', start: i, end: i + 1 };
    i++;
  }
}

/**
 * Split a script into statements, the way psql does.
 *
 * @example
 * ```ts
 * splitStatements("insert into t values (';'); select 1;").map((s) => s.text);
 * // ["insert into t values (';')", 'select 1']
 * ```
 */
export function splitStatements(text: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let start = -1;
  let last = -1;
  let words = 0;
  let depth = 0;
  const flush = (): void => {
    if (start !== -1) out.push({ text: text.slice(start, last), start, end: last });
    start = -1;
    last = -1;
    words = 0;
    depth = 0;
  };
  for (const token of tokens(text)) {
    if (token.kind === 'other' && token.end - token.start === 1 && text.charCodeAt(token.start) === 59) {
      if (depth === 0) {
        flush();
        continue;
      }
    }
    if (start === -1) start = token.start;
    last = token.end;
    if (token.kind === 'word') {
      words++;
      const word = text.slice(token.start, token.end).toLowerCase();
      if (word === 'begin' || word === 'case') {
        if (words > 1) depth++;
      } else if (word === 'end' && depth > 0) depth--;
    }
  }
  flush();
  return out;
}

/**
 * The first `count` keywords of a statement, upper-cased, skipping comments. Stops at the
 * first token that is not a word (a string, a `;`, a parenthesis).
 *
 * @example
 * ```ts
 * leadingWords('/* x *\/ rollback to savepoint a', 3); // ['ROLLBACK', 'TO', 'SAVEPOINT']
 * ```
 */
export function leadingWords(text: string, count: number): string[] {
  const words: string[] = [];
  for (const token of tokens(text)) {
    if (token.kind !== 'word' || words.length >= count) break;
    words.push(text.slice(token.start, token.end).toUpperCase());
  }
  return words;
}

/**
 * The identifier that follows the leading keywords `skip` (e.g. the channel of
 * `LISTEN channel`), folded to lower case unless quoted, as PostgreSQL does.
 *
 * @example
 * ```ts
 * identifierAfter('LISTEN "Orders"', 1); // 'Orders'
 * identifierAfter('listen Orders', 1); // 'orders'
 * ```
 */
export function identifierAfter(text: string, skip: number): string | undefined {
  let seen = 0;
  for (const token of tokens(text)) {
    if (seen < skip) {
      seen++;
      continue;
    }
    const raw = text.slice(token.start, token.end);
    if (token.kind === 'word') return raw.toLowerCase();
    if (raw.startsWith('"')) return raw.slice(1, -1).replaceAll('""', '"');
    if (raw === '*') return '*';
    return undefined;
  }
  return undefined;
}

/**
 * Whether `text` holds more than one statement. Cheaper than {@link splitStatements} for the
 * common single-statement case: it only splits when a `;` is followed by more SQL.
 *
 * @example
 * ```ts
 * hasSeveralStatements('select 1;'); // false
 * hasSeveralStatements('begin; select 1'); // true
 * ```
 */
export function hasSeveralStatements(text: string): boolean {
  const semicolon = text.indexOf(';');
  if (semicolon === -1) return false;
  if (text.slice(semicolon + 1).trim() === '') {
    // One trailing semicolon: still a single statement unless an earlier `;` was quoted.
    if (text.indexOf(';') === text.lastIndexOf(';')) return false;
  }
  return splitStatements(text).length > 1;
}

/**
 * 1-based line number of `offset` in `text`.
 *
 * @example
 * ```ts
 * lineAt('a\nb\nc', 2); // 2
 * ```
 */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
