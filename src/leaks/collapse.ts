/**
 * Repeated findings, collapsed: 400 floating promises from one call site are one line with
 * a count, not 400 lines. Leaks are the same finding when the same check found the same
 * kind of thing at the same creation line, in the same state (during or after the test);
 * mock calls that differ only in their arguments count as one, shown with the first call's.
 *
 * @module
 */
import type { Leak } from './leak.ts';

/** Leaks that are one finding. */
export interface LeakGroup {
  /** The first leak of the group (its stack, test and level). */
  readonly leak: Leak;
  /** How many leaks it stands for (1 or more). */
  readonly count: number;
  /**
   * The finding in one line: the leak's own description when all are alike, else the
   * description with the varying arguments elided (`mailer.send(…) was called but …`).
   */
  readonly description: string;
  /** For a group of mock calls with different arguments: the first call (`mailer.send('a@x.test')`). */
  readonly first: string | undefined;
}

/** `name(args) rest` → name, args, rest — the shape of fray/leaks' mock-call descriptions. */
const MOCK_CALL = /^([^()]*)\((.*)\)( was called\b.*)$/s;

function shape(leak: Leak): { key: string; call: string | undefined; general: string } {
  if (leak.kind === 'mock call') {
    const match = MOCK_CALL.exec(leak.description);
    if (match !== null) {
      const general = `${match[1] ?? ''}(…)${match[3] ?? ''}`;
      return { key: general, call: `${match[1] ?? ''}(${match[2] ?? ''})`, general };
    }
  }
  return { key: leak.description, call: undefined, general: leak.description };
}

/**
 * Group identical findings, in the order each was first found.
 *
 * @example
 * ```ts
 * for (const { description, count } of collapseLeaks(run.leaks))
 *   console.log(count > 1 ? `${description} — ${count} times` : description);
 * ```
 */
export function collapseLeaks(leaks: readonly Leak[]): LeakGroup[] {
  const groups = new Map<string, { leaks: Leak[]; call: string | undefined; general: string }>();
  for (const leak of leaks) {
    const { key, call, general } = shape(leak);
    // Without a creation line two findings cannot be told to come from the same place.
    const id =
      leak.location === undefined
        ? `\u0001${groups.size}`
        : [leak.check, leak.level, leak.kind, String(leak.afterEnd), leak.location, key].join('\u0000');
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { leaks: [leak], call, general });
    else group.leaks.push(leak);
  }
  return [...groups.values()].map(({ leaks: members, call, general }) => {
    const first = members[0] as Leak;
    const alike = members.every((leak) => leak.description === first.description);
    return {
      leak: first,
      count: members.length,
      description: alike ? first.description : general,
      first: alike ? undefined : call,
    };
  });
}
