/**
 * Is the machine busy with something else while a level runs? A load level measured while
 * other processes (or other test workers) compete for the CPU describes the machine, not
 * the target: its numbers must not be called valid. This probe reads the machine's CPU
 * counters (`/proc/stat` on Linux: busy, idle and steal time of every core; `os.cpus()`
 * elsewhere, without steal) at the start and end of a level; the caller subtracts what its
 * own threads used, and what is left is everyone else.
 *
 * @module
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** CPU time of the whole machine, in ms, summed over its cores. */
interface CpuTotals {
  readonly busy: number;
  readonly idle: number;
  readonly steal: number;
}

/** What the machine did during a level, besides fray's own threads. */
export interface MachineLoad {
  /** Cores of the machine (logical CPUs). */
  readonly cores: number;
  /** Share of all cores busy over the level (0–1), everyone included. */
  readonly busy: number;
  /** Share of all cores' time stolen by the hypervisor (0–1; Linux only, else 0). */
  readonly steal: number;
  /** Cores' worth of CPU other processes and threads used during the level. */
  readonly others: number;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux that Node supports.

function readTotals(): CpuTotals | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return {
      busy: (user + nice + system + irq + softirq) * TICK_MS,
      idle: (idle + iowait) * TICK_MS,
      steal: steal * TICK_MS,
    };
  } catch {
    const all = cpus();
    if (all.length === 0) return undefined;
    let busy = 0;
    let idle = 0;
    for (const cpu of all) {
      busy += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
      idle += cpu.times.idle;
    }
    return { busy, idle, steal: 0 };
  }
}

/** A running machine probe. */
export interface MachineProbe {
  /** What the machine did since start; `oursMs` is the CPU time fray's own threads used. */
  stop(oursMs: number): MachineLoad | undefined;
}

/**
 * Start watching the machine's CPU counters.
 *
 * @example
 * ```ts
 * const probe = startMachineProbe();
 * // … run a level, measuring the CPU time of fray's threads …
 * const machine = probe.stop(ourCpuMs); // { cores: 2, busy: 0.97, steal: 0, others: 1.4 }
 * ```
 */
export function startMachineProbe(): MachineProbe {
  const start = readTotals();
  return {
    stop(oursMs) {
      const end = readTotals();
      if (start === undefined || end === undefined) return undefined;
      const busy = end.busy - start.busy;
      const idle = end.idle - start.idle;
      const steal = end.steal - start.steal;
      const total = busy + idle + steal;
      // Too short to count on a 10 ms clock: say nothing rather than something wrong.
      if (total < 200) return undefined;
      const cores = availableParallelism();
      const wallMs = total / cores;
      return {
        cores,
        busy: busy / total,
        steal: steal / total,
        others: Math.max(0, (busy - oursMs) / wallMs),
      };
    },
  };
}

/**
 * CPU time (ms) the given processes used so far (Linux `/proc/<pid>/stat`); 0 for a process
 * that cannot be read.
 *
 * @example
 * ```ts
 * const before = processesCpuMs([1234]);
 * ```
 */
export function processesCpuMs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    } catch {
      // gone, or not ours to read
    }
  }
  return total;
}

/**
 * The processes (other than this one) listening on a loopback TCP `port` — the server a URL
 * target points at, whose CPU is the target's, not a neighbour's. Linux only (`/proc`);
 * elsewhere, or without permission, an empty list.
 *
 * @example
 * ```ts
 * listeningPids(3000); // [4242]
 * ```
 */
export function listeningPids(port: number): number[] {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const cols = row.trim().split(/\s+/);
        // local_address is ADDR:PORT; state 0A is LISTEN; the inode is column 9.
        if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A' && cols[9] !== undefined) inodes.add(cols[9]);
      }
    } catch {
      return [];
    }
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const name of entries) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      for (const fd of readdirSync(`/proc/${name}/fd`)) {
        const link = readlinkSync(`/proc/${name}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode !== undefined && inodes.has(inode)) {
          pids.push(pid);
          break;
        }
      }
    } catch {
      // not ours to read
    }
  }
  return pids;
}

/** Largest share of the machine's time the hypervisor may steal before a level is inconclusive. */
const MAX_STEAL = 0.05;
/** The machine counts as saturated above this share of all cores busy. */
const SATURATED = 0.85;
/** The thread under test (or the generator) lagging more than this (ms, p99) shows the contention hurt. */
const LAG_MS = 10;

/**
 * Why a level measured while the machine was busy cannot be judged, if it cannot: the
 * hypervisor stole CPU, or the machine was saturated, other processes (or other test
 * workers) took more than `maxOthers` cores of it, and the thread that measured (in-process:
 * the thread under test) lagged more than 10 ms at p99 — the contention reached the
 * numbers. An empty list means the machine was fine.
 *
 * @example
 * ```ts
 * contentionReasons({ cores: 2, busy: 0.98, steal: 0, others: 1.2 }, 25, 0.3);
 * // ['the machine was busy: other processes or test workers used 1.2 of 2 cores …']
 * ```
 */
export function contentionReasons(
  machine: MachineLoad | undefined,
  lagMs: number,
  maxOthers: number,
): string[] {
  if (machine === undefined) return [];
  const reasons: string[] = [];
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  if (machine.steal > MAX_STEAL) {
    reasons.push(
      `the hypervisor stole ${pct(machine.steal)} of the CPU while the level ran: the numbers describe the host's neighbours`,
    );
  }
  if (machine.busy > SATURATED && machine.others > maxOthers && lagMs > LAG_MS) {
    reasons.push(
      `the machine was busy: other processes or test workers used ${machine.others.toFixed(1)} of ${machine.cores} cores while the level ran (${pct(machine.busy)} of the machine busy, event loop lagging ${Math.round(lagMs)} ms at p99) — run load tests alone (one file, one worker)`,
    );
  }
  return reasons;
}
