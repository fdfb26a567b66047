import { describe, expect, it } from 'vitest';
import type { PortfolioMember } from '../options.ts';
import { TURNS } from './portfolio.ts';
import { TurnOrder } from './turn-order.ts';

/** The members of `runs` runs, every member giving a run when asked; DFS's first run estimates `estimate`. */
function members(order: TurnOrder, runs: number, estimate: number): PortfolioMember[] {
  const taken: PortfolioMember[] = [];
  for (let i = 0; i < runs; i++) {
    const member = order.next(() => true);
    if (member === undefined) break;
    taken.push(member);
    order.observe(member, estimate);
  }
  return taken;
}

describe('TurnOrder', () => {
  it('gives the turns in order, cycle after cycle, while DFS has no reason to prove', () => {
    // Arrange — a tree far beyond a budget of 1,000 runs.
    const order = new TurnOrder(TURNS, 1000);
    // Act
    const taken = members(order, 2 * TURNS.length, 1e9);
    // Assert
    expect(taken).toEqual([...TURNS, ...TURNS]);
  });

  it('asks the next member in order when one has nothing left to run', () => {
    // Arrange
    const order = new TurnOrder(['random', 'pct2', 'dfs'], 1000);
    // Act — PCT(d=2) declines.
    const first = order.next((member) => member !== 'pct2');
    const second = order.next((member) => member !== 'pct2');
    // Assert
    expect([first, second]).toEqual(['random', 'dfs']);
    expect(order.next(() => false)).toBeUndefined();
  });

  it('gives DFS every other turn after the first cycle when the tree fits the budget, up to twice its estimate', () => {
    // Arrange
    const order = new TurnOrder(TURNS, 1000);
    // Act
    const taken = members(order, TURNS.length + 38 + 26, 10);
    // Assert — the first cycle as given (one DFS run); then DFS on every other run until it
    // has had 20; then the order again, one DFS turn in thirteen.
    expect(taken.slice(0, TURNS.length)).toEqual(TURNS);
    const proving = taken.slice(TURNS.length, TURNS.length + 38);
    expect(proving.filter((_, i) => i % 2 === 0)).toEqual(Array(19).fill('dfs'));
    expect(proving.filter((_, i) => i % 2 === 1)).not.toContain('dfs');
    expect(taken.slice(TURNS.length + 38).filter((m) => m === 'dfs')).toHaveLength(2);
  });

  it('gives DFS every other turn once a quarter of the budget has run, however large the tree', () => {
    // Arrange
    const order = new TurnOrder(TURNS, 100);
    // Act
    const taken = members(order, 100, 1e9);
    // Assert — runs 26 to 100 (after 25 observed): DFS on every other one.
    const late = taken.slice(25);
    expect(late.filter((m, i) => i % 2 === 0).every((m) => m === 'dfs')).toBe(true);
    expect(late.filter((m, i) => i % 2 === 1).every((m) => m !== 'dfs')).toBe(true);
  });

  it('never adds DFS turns to an order without DFS', () => {
    // Arrange
    const order = new TurnOrder(['random', 'pct2'], 40);
    // Act
    const taken = members(order, 40, 1);
    // Assert
    expect(taken).not.toContain('dfs');
  });
});
