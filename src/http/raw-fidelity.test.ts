/**
 * Raw requests, differential: every request of the raw corpus goes to the same app twice —
 * as bytes over a TCP socket to the app listening on 127.0.0.1, and as `client.request()`
 * through `inject` — and the answers must be equal: status, reason phrase, header lines as
 * written (order, case; `Date` aside) and body bytes. The corpus also states the bytes fray
 * must send, so the real server receives exactly what fray sends.
 */
import http from 'node:http';
import connect from 'connect';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { expressApp, fastifyApp, koaApp, nodeApp, serveReal, type Served } from './fixtures/corpus.ts';
import { rawCorpus, readRawResponse, type RawAnswer } from './fixtures/raw-corpus.ts';
import { inject, type InjectClient } from './index.ts';

const frameworks = [
  { kind: 'node', build: nodeApp },
  { kind: 'express', build: expressApp },
  { kind: 'koa', build: koaApp },
  { kind: 'fastify', build: fastifyApp },
  { kind: 'connect', build: () => connect().use(nodeApp()) },
  { kind: 'http-server', build: () => http.createServer(nodeApp()) },
] as const;

/** An answer with `Date` left out, the body as text (or its length when large). */
function comparable(answer: RawAnswer): unknown {
  if ('closed' in answer) return answer;
  const rawHeaders: string[] = [];
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    if ((answer.rawHeaders[i] as string).toLowerCase() !== 'date')
      rawHeaders.push(answer.rawHeaders[i] as string, answer.rawHeaders[i + 1] as string);
  }
  const body = answer.body.byteLength <= 8192 ? answer.body.toString('latin1') : answer.body.byteLength;
  return { status: answer.status, statusText: answer.statusText, rawHeaders, body };
}

async function viaInject(
  client: InjectClient,
  spec: Parameters<InjectClient['request']>[0],
): Promise<RawAnswer> {
  try {
    const response = await client.request(spec);
    return {
      status: response.status,
      statusText: response.statusText,
      rawHeaders: [...response.rawHeaders],
      body: Buffer.from(await response.arrayBuffer()),
    };
  } catch (error) {
    // The server closed the connection without answering: undici's words for it.
    if ((error as { cause?: { code?: string } }).cause?.code === 'UND_ERR_SOCKET') return { closed: true };
    throw error;
  }
}

describe.each(frameworks)('client.request() matches the same bytes over TCP: $kind', ({ kind, build }) => {
  let served: Served;
  let client: InjectClient;
  let host: string;

  beforeAll(async () => {
    if (kind === 'express') vi.spyOn(console, 'error').mockImplementation(() => undefined);
    served = await serveReal(kind, build());
    host = new URL(served.origin).host;
    client = await inject(build(), { baseURL: served.origin, cookies: false });
  });

  afterAll(async () => {
    await client.close();
    await served.close();
    vi.restoreAllMocks();
  });

  test.each(rawCorpus)('$name', async ({ spec, wire }) => {
    // Arrange
    const request = spec(host);
    const url = new URL(served.origin);

    // Act
    const real = await readRawResponse(
      url.hostname,
      Number(url.port),
      request.method ?? 'GET',
      wire.replaceAll('HOST', host),
    );
    const injected = await viaInject(client, request);

    // Assert
    expect(comparable(injected)).toEqual(comparable(real));
  });
});
