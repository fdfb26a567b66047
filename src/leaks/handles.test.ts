import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, test } from 'vitest';
import { siteOf } from './fixtures/lines.ts';
import { checkLeaks, enableLeakDetection, untracked, type Leak } from './index.ts';

const here = new URL(import.meta.url);
const cleanups: (() => unknown)[] = [];
enableLeakDetection({ onLeaks: () => {} });

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function only(leaks: readonly Leak[]): Leak {
  expect(leaks).toHaveLength(1);
  return leaks[0]!;
}

async function closeServer(server: net.Server): Promise<void> {
  await new Promise((resolve) => server.close(resolve));
}

describe('timers', () => {
  test('an interval still scheduled is reported where it was created', async () => {
    // Act
    const run = await checkLeaks(() => {
      const timer = setInterval(() => {}, 60_000); // mark: interval
      cleanups.push(() => clearInterval(timer));
    });

    // Assert
    const leak = only(run.leaks);
    expect(leak).toMatchObject({ check: 'timers', kind: 'interval', level: 'error', afterEnd: false });
    expect(leak.description).toBe('setInterval (every 60000 ms) still scheduled');
    expect(leak.location).toMatch(siteOf(here, 'interval'));
  });

  test('a pending timeout is reported; cleared, fired and unref()ed ones are not', async () => {
    const run = await checkLeaks(async () => {
      const pending = setTimeout(() => {}, 60_000); // mark: timeout
      cleanups.push(() => clearTimeout(pending));
      clearTimeout(setTimeout(() => {}, 60_000));
      setTimeout(() => {}, 60_000).unref();
      await new Promise((resolve) => setTimeout(resolve, 1));
    });

    const leak = only(run.leaks);
    expect(leak).toMatchObject({ check: 'timers', kind: 'timeout' });
    expect(leak.location).toMatch(siteOf(here, 'timeout'));
  });

  test('includeUnref reports unref()ed timers too', async () => {
    const detector = enableLeakDetection({ includeUnref: true });
    try {
      const run = await checkLeaks(() => {
        const timer = setTimeout(() => {}, 60_000).unref();
        cleanups.push(() => clearTimeout(timer));
      });
      expect(only(run.leaks).kind).toBe('timeout');
    } finally {
      detector.configure({ includeUnref: false });
    }
  });
});

describe('servers and sockets', () => {
  test('a listening server is reported with its address; one closed during the test is not', async () => {
    const run = await checkLeaks(async () => {
      const server = net.createServer().listen(0); // mark: server
      cleanups.push(() => closeServer(server));
      await once(server, 'listening');
      const closed = net.createServer().listen(0);
      await once(closed, 'listening');
      closed.close(); // not awaited: the close callback runs while fray settles
    });

    const leak = only(run.leaks);
    expect(leak).toMatchObject({ check: 'servers', kind: 'server' });
    expect(leak.description).toMatch(/^TCP server listening on .+:\d+ still open$/);
    expect(leak.location).toMatch(siteOf(here, 'server'));
  });

  test('a server listening on a host name is reported at the listen() call', async () => {
    // Node creates the handle after resolving the host, from a callback with no user frame.
    const run = await checkLeaks(async () => {
      const server = net.createServer();
      server.listen(0, 'localhost'); // mark: listen-host
      cleanups.push(() => closeServer(server));
      await once(server, 'listening');
    });

    expect(only(run.leaks).location).toMatch(siteOf(here, 'listen-host'));
  });

  test('a client socket left open is reported, not the connection the server accepted', async () => {
    // Arrange: a peer started outside every test.
    const peer = await untracked(async () => {
      const server = net.createServer((socket) => cleanups.push(() => socket.destroy()));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanups.push(() => closeServer(server));
      return (server.address() as net.AddressInfo).port;
    });

    // Act
    const run = await checkLeaks(async () => {
      const socket = net.connect(peer, '127.0.0.1'); // mark: socket
      cleanups.push(() => socket.destroy());
      await once(socket, 'connect');
    });

    // Assert
    const leak = only(run.leaks);
    expect(leak).toMatchObject({
      check: 'sockets',
      description: `TCP socket to 127.0.0.1:${peer} still open`,
    });
    expect(leak.location).toMatch(siteOf(here, 'socket'));
  });

  test('a server and the sockets it accepted, all inside the test, count as the server only', async () => {
    const run = await checkLeaks(async () => {
      const server = net.createServer((socket) => cleanups.push(() => socket.destroy()));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanups.push(() => closeServer(server));
      const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      await once(client, 'connect');
      client.destroy();
    });

    expect(run.leaks.map((leak) => leak.check)).toEqual(['servers']);
  });
});

describe('child processes and worker threads', () => {
  test('a running child is reported once (not its stdio pipes); one that exited is not', async () => {
    const run = await checkLeaks(async () => {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']); // mark: child
      cleanups.push(() => child.kill());
      await once(child, 'spawn');
      const quick = spawn(process.execPath, ['-e', '']);
      await once(quick, 'close');
    });

    const leak = only(run.leaks);
    expect(leak).toMatchObject({ check: 'childProcesses', kind: 'child process' });
    expect(leak.description).toMatch(/^child process \(pid \d+\) still running$/);
    expect(leak.location).toMatch(siteOf(here, 'child'));
  });

  test('a worker thread still running is reported; a terminated one is not', async () => {
    const run = await checkLeaks(async () => {
      const worker = new Worker('setInterval(() => {}, 60000)', { eval: true }); // mark: worker
      cleanups.push(() => worker.terminate());
      await once(worker, 'online');
      const done = new Worker('', { eval: true });
      await once(done, 'exit');
    });

    const leak = only(run.leaks);
    expect(leak).toMatchObject({ check: 'childProcesses', kind: 'worker thread' });
    expect(leak.location).toMatch(siteOf(here, 'worker'));
  });
});

describe('file handles', () => {
  test('descriptors, FileHandles, unread streams and watchers are reported where opened', async () => {
    const file = new URL(import.meta.url);
    const run = await checkLeaks(async () => {
      const fd = fs.openSync(file, 'r'); // mark: fd
      cleanups.push(() => fs.closeSync(fd));
      const handle = await open(file); // mark: file-handle
      cleanups.push(() => handle.close());
      const stream = fs.createReadStream(file); // mark: stream
      cleanups.push(() => stream.destroy());
      await once(stream, 'open');
      const watcher = fs.watch(file); // mark: watcher
      cleanups.push(() => watcher.close());
    });

    const byKind = Object.fromEntries(run.leaks.map((leak) => [leak.kind, leak]));
    expect(run.leaks.every((leak) => leak.check === 'fileHandles')).toBe(true);
    expect(byKind['file handle']?.location).toMatch(siteOf(here, 'file-handle'));
    expect(byKind['file watcher']?.location).toMatch(siteOf(here, 'watcher'));
    const descriptors = run.leaks
      .filter((leak) => leak.kind === 'file descriptor')
      .map((leak) => leak.location);
    expect(descriptors).toHaveLength(2);
    expect(descriptors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(siteOf(here, 'fd')),
        expect.stringMatching(siteOf(here, 'stream')),
      ]),
    );
  });

  test('files closed and streams read to the end are not reported', async () => {
    const file = new URL(import.meta.url);
    const run = await checkLeaks(async () => {
      fs.closeSync(fs.openSync(file, 'r'));
      await (await open(file)).close();
      for await (const chunk of fs.createReadStream(file)) expect(chunk).toBeDefined();
      await new Promise<void>((resolve, reject) =>
        fs.open(file, 'r', (error, fd) => (error ? reject(error) : fs.close(fd, () => resolve()))),
      );
      fs.watch(file).close();
    });

    expect(run.leaks).toEqual([]);
  });
});

describe('what is never reported', () => {
  test('anything created outside every test, even if used inside one', async () => {
    const interval = untracked(() => setInterval(() => {}, 60_000));
    cleanups.push(() => clearInterval(interval));

    const run = await checkLeaks(() => {
      interval.refresh();
    });

    expect(run.leaks).toEqual([]);
  });

  test('concurrent tests each get only what they created', async () => {
    const [first, second] = await Promise.all([
      checkLeaks(async () => {
        await Promise.resolve();
        const timer = setInterval(() => {}, 60_000); // mark: first
        cleanups.push(() => clearInterval(timer));
      }),
      checkLeaks(async () => {
        await Promise.resolve();
        const timer = setTimeout(() => {}, 60_000); // mark: second
        cleanups.push(() => clearTimeout(timer));
      }),
    ]);

    expect(only(first.leaks).location).toMatch(siteOf(here, 'first'));
    expect(only(second.leaks).location).toMatch(siteOf(here, 'second'));
  });
});
