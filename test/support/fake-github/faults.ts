// Fault injection: the fault specs, which recorded request a fault (or a count filter) matches,
// the queue of pending faults, and writing a reply with a fault applied (reset, stalls, cuts,
// trickle, delay, no Content-Length, oversize filler). Knows nothing of GitHub's routes or data.

import { createReadStream, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Origin, Reply } from './routes.ts';

export interface RecordedRequest {
  origin: Origin;
  method: string;
  /** Path with query string, as received (including any API prefix). */
  path: string;
  headers: IncomingHttpHeaders;
  /** When it arrived (performance.now() of the test process): which request went out before which answer. */
  at: number;
  /** Set when an injected fault handled this request. */
  fault?: boolean;
}

export interface RequestFilter {
  origin?: Origin;
  method?: string;
  /** Exact path (query ignored unless included), a prefix ending in `*`, or a RegExp tested on path + query. */
  path?: string | RegExp;
}

export interface FaultSpec extends RequestFilter {
  /** How many matching requests it applies to (default 1; Infinity for all). */
  times?: number;
  /** Answer with this instead of the normal response. An object body is sent as JSON. */
  respond?: { status: number; headers?: OutgoingHttpHeaders; body?: string | Buffer | object };
  /** Drop the connection without any response. */
  reset?: boolean;
  /** Send the normal headers and this many body bytes, then destroy the socket. */
  cutAfterBytes?: number;
  /** Send the normal headers and this many body bytes (default 0), then send nothing more. */
  stallAfterBytes?: number;
  /** Never answer at all (not even headers). */
  stallBeforeHeaders?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Hostile: send the body this many bytes at a time, one piece every `everyMs` (a trickle). */
  trickle?: { bytes: number; everyMs: number };
  /** Hostile: no Content-Length (chunked), so only the bytes themselves say how long the body is. */
  omitContentLength?: boolean;
  /** Hostile: after the headers of `respond`, stream this many filler bytes (never held in memory). */
  fillBytes?: number;
  /** Called when the fault is applied, before answering (e.g. to replace an asset between attempts). */
  onServed?: () => void;
}

export function matches(filter: RequestFilter, r: RecordedRequest): boolean {
  if (filter.origin && filter.origin !== r.origin) return false;
  if (filter.method && filter.method.toUpperCase() !== r.method) return false;
  if (filter.path === undefined) return true;
  if (filter.path instanceof RegExp) return filter.path.test(r.path);
  const pathname = r.path.split('?')[0]!;
  if (filter.path.endsWith('*')) return r.path.startsWith(filter.path.slice(0, -1));
  return filter.path.includes('?') ? r.path === filter.path : pathname === filter.path;
}

/** Pending faults, first added first matched, each for its number of `times`. */
export interface FaultQueue {
  add(fault: FaultSpec): void;
  clear(): void;
  /** The first pending fault matching the request, used up by one. */
  take(r: RecordedRequest): FaultSpec | undefined;
}

export function createFaultQueue(): FaultQueue {
  let faults: Array<FaultSpec & { left: number }> = [];
  return {
    add(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clear() {
      faults = [];
    },
    take(r) {
      const fault = faults.find((f) => f.left > 0 && matches(f, r));
      if (fault) fault.left -= 1;
      return fault;
    },
  };
}

/** One exchange: the request, its response, the fault that matched (if any) and the normal reply. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  fault: FaultSpec | undefined;
  /** Computes the normal reply; not called when the fault answers by itself. */
  route: () => Reply;
}

/** Answers a request: the fault's own answer (reset, stall, canned response) or the route's reply with the fault applied. */
export async function answer(ex: Exchange): Promise<void> {
  const { req, res, fault } = ex;
  fault?.onServed?.();
  if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault?.reset) return void res.socket?.destroy();
  if (fault?.stallBeforeHeaders) return;
  if (fault?.respond) {
    const { status, headers = {}, body } = fault.respond;
    const bytes =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const type =
      body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body) ? { 'content-type': 'application/json; charset=utf-8' } : {};
    if (fault.fillBytes !== undefined) return fill(res, { status, headers: { ...type, ...headers }, total: fault.fillBytes });
    return send({ req, res, fault, reply: { status, headers: { ...type, ...headers }, body: bytes } });
  }
  send({ req, res, fault, reply: ex.route() });
}

/** Writes a reply: whole, or as the fault says (no Content-Length, trickle, cut or stall after N bytes). */
function send(out: { req: IncomingMessage; res: ServerResponse; reply: Reply; fault: FaultSpec | undefined }): void {
  const { req, res, reply, fault } = out;
  const length = reply.body === undefined ? 0 : Buffer.isBuffer(reply.body) ? reply.body.length : reply.body.end - reply.body.start + 1;
  const headers: OutgoingHttpHeaders = { ...reply.headers };
  if (reply.status !== 304 && reply.status !== 204 && !fault?.omitContentLength) headers['content-length'] = String(length);
  res.writeHead(reply.status, headers);
  if (req.method === 'HEAD' || reply.body === undefined || length === 0) return void res.end();

  if (fault?.trickle) {
    trickle(res, { body: reply.body, ...fault.trickle });
    return;
  }

  const limit = fault?.cutAfterBytes ?? fault?.stallAfterBytes;
  const onLimit = fault?.cutAfterBytes !== undefined ? 'cut' : fault?.stallAfterBytes !== undefined ? 'stall' : undefined;
  if (onLimit && limit !== undefined) {
    const head = Buffer.isBuffer(reply.body)
      ? reply.body.subarray(0, limit)
      : readFileSync(reply.body.path).subarray(reply.body.start, Math.min(reply.body.start + limit, reply.body.end + 1));
    const afterWrite = () => {
      if (onLimit === 'cut') res.socket?.destroy();
    };
    if (head.length > 0) res.write(head, afterWrite);
    else {
      res.flushHeaders();
      setImmediate(afterWrite);
    }
    return; // 'stall': keep the socket open with nothing more to say
  }
  if (Buffer.isBuffer(reply.body)) return void res.end(reply.body);
  const stream = createReadStream(reply.body.path, { start: reply.body.start, end: reply.body.end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Sends the body `bytes` at a time, one piece every `everyMs`, until done or the client goes away. */
function trickle(res: ServerResponse, t: { body: NonNullable<Reply['body']>; bytes: number; everyMs: number }): void {
  const all = Buffer.isBuffer(t.body) ? t.body : readFileSync(t.body.path).subarray(t.body.start, t.body.end + 1);
  let at = 0;
  const timer = setInterval(() => {
    if (res.destroyed || at >= all.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(all.subarray(at, at + t.bytes));
    at += t.bytes;
  }, t.everyMs);
  res.on('close', () => clearInterval(timer));
}

/** Streams `total` filler bytes after the headers, honouring backpressure, until the client goes away. */
function fill(res: ServerResponse, f: { status: number; headers: OutgoingHttpHeaders; total: number }): void {
  res.writeHead(f.status, f.headers);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let left = f.total;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => {});
  pump();
}
