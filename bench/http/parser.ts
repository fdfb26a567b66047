/**
 * fray's HTTP/1.1 response parser (src/http/response-parser.ts) against llhttp — the parser
 * of Node's own HTTP client and server, through the binding Node's http module uses
 * (`HTTPParser` from `_http_common`, one parser re-initialized per response, as Node's
 * FreeList does) — on the response a typical handler writes (status line, five headers, an
 * 11-byte body), in paired interleaved rounds. This is the measurement behind keeping fray's
 * parser (docs/architecture.md).
 *
 * Run: npx node bench/http/parser.ts
 *
 * @module
 */
import { createRequire } from 'node:module';
import { ResponseParser } from '../../src/http/response-parser.ts';
import { markdownTable, num } from '../table.ts';
import { measurePaired } from './paired.ts';

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): unknown;
  finish(): unknown;
  [callback: number]: (...args: never[]) => unknown;
}

const require = createRequire(import.meta.url);
const { HTTPParser } = require('_http_common') as {
  HTTPParser: (new () => LlhttpParser) & {
    RESPONSE: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
};

const RESPONSE =
  'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nDate: Mon, 07 Dec 2026 03:14:44 GMT\r\n' +
  'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 11\r\n\r\nhello world';
const BYTES = Buffer.from(RESPONSE, 'latin1');
const PER_TASK = 100;
let sink: unknown;

const events = {
  head(status: number, statusText: string, headers: string[]): void {
    sink = [status, statusText, headers];
  },
  data(chunk: Buffer): void {
    sink = chunk;
  },
  end(): void {
    sink = undefined;
  },
};

const llhttp = new HTTPParser();
function parseWithLlhttp(): void {
  llhttp.initialize(HTTPParser.RESPONSE, {}, 0, 0);
  llhttp[HTTPParser.kOnHeadersComplete] = (...args: never[]) => {
    sink = args;
  };
  llhttp[HTTPParser.kOnBody] = (chunk: never) => {
    sink = chunk;
  };
  llhttp[HTTPParser.kOnMessageComplete] = () => {
    sink = undefined;
  };
  llhttp.execute(BYTES);
  llhttp.finish();
}

const figures = await measurePaired(
  {
    'no parsing (loop only)': () => {
      for (let i = 0; i < PER_TASK; i++) sink = i;
      return Promise.resolve(sink);
    },
    'fray ResponseParser (bytes)': () => {
      for (let i = 0; i < PER_TASK; i++) new ResponseParser('GET', events).push(BYTES);
      return Promise.resolve(sink);
    },
    'fray ResponseParser (text, as Node writes it)': () => {
      for (let i = 0; i < PER_TASK; i++) new ResponseParser('GET', events).push(RESPONSE, 'utf8');
      return Promise.resolve(sink);
    },
    'llhttp (Node’s HTTPParser, re-initialized)': () => {
      for (let i = 0; i < PER_TASK; i++) parseWithLlhttp();
      return Promise.resolve(sink);
    },
  },
  'no parsing (loop only)',
  { rounds: 300 },
);
const loop = figures[0]?.medianNs ?? 0;
process.stdout.write(
  `\n### Parsing one typical response\n\n${markdownTable(
    ['parser', 'ns per response (median of 300 rounds)'],
    figures.slice(1).map((f) => [f.name, num((f.medianNs - loop) / PER_TASK)]),
  )}\n`,
);
