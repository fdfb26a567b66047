// Planted leaks shared by the Vitest, node:test and Jest sample suites. Each leaking line
// carries a `leak:` marker; the end-to-end tests look the markers up to know the line fray
// must report as the creation site.
import { spawn } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import process from 'node:process';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { asyncMock } from 'fray/mock';

export const plantsFile = fileURLToPath(import.meta.url);

const repo = {
  save: asyncMock().named('repo.save'),
  audit: asyncMock().named('repo.audit'),
};

// Everything planted is closed here, after the suite, outside every test.
const cleanups = [];

export async function cleanUpPlants() {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

export function floatMockCall() {
  void repo.save({ id: 1 }); // leak: floating
}

export function rejectWithoutHandler() {
  void Promise.reject(new Error('planted rejection')); // leak: rejection
}

export function startInterval() {
  const timer = setInterval(() => {}, 60_000); // leak: interval
  cleanups.push(() => clearInterval(timer));
}

export async function listenAndForget() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1'); // leak: server
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  await new Promise((resolve) => server.once('listening', resolve));
}

let peer;

/** A server the socket test connects to; started outside the tests. */
export async function startPeer() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer = server.address().port;
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  );
}

export async function connectAndForget() {
  const socket = net.connect(peer, '127.0.0.1'); // leak: socket
  cleanups.push(() => socket.destroy());
  await new Promise((resolve) => socket.once('connect', resolve));
}

export async function spawnAndForget() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']); // leak: child
  cleanups.push(() => {
    child.kill();
  });
  await new Promise((resolve) => child.once('spawn', resolve));
}

export function openAndForget() {
  const fd = fs.openSync(plantsFile, 'r'); // leak: descriptor
  cleanups.push(() => fs.closeSync(fd));
}

export function startCryptoWork() {
  pbkdf2('secret', 'salt', 400_000, 64, 'sha512', () => {}); // leak: crypto
}

let releaseRejection;

export function armRejection() {
  const gate = new Promise((resolve) => {
    releaseRejection = resolve;
  });
  void (async () => {
    await gate;
    throw new Error('planted late rejection'); // leak: late-rejection
  })();
}

let releaseWork;

export function startWorkThatOutlivesTheTest() {
  const gate = new Promise((resolve) => {
    releaseWork = resolve;
  });
  void (async () => {
    await gate;
    await repo.audit('done'); // leak: late-mock
  })();
}

export function fireArmedRejectionAndReleaseWork() {
  releaseRejection();
  releaseWork();
}
