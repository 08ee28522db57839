// Headers in the shapes undici hands over and accepts: the first value of a response header, and
// the names in, or a copy without one of, a request's headers in any shape. Pure: it neither sends
// nor decides anything.

import type { Dispatcher } from 'undici';
import type { ResponseHeaders } from './exchange.js';

type RequestHeaders = Dispatcher.DispatchOptions['headers'];

/** The first value of response header `name` (lower-case): undici gives a repeated header as an array. */
export function header(headers: ResponseHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Removes `name` from headers in any of the shapes undici accepts (object, flat array, iterable of pairs). */
export function withoutHeader(headers: RequestHeaders, name: string): RequestHeaders {
  if (headers == null) return headers;
  const drop = (key: unknown) => String(key).toLowerCase() === name;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0]))
      return (headers as unknown as [string, string][]).filter(([k]) => !drop(k)) as never;
    const out: string[] = [];
    for (let i = 0; i < headers.length; i += 2) if (!drop(headers[i])) out.push(headers[i] as string, headers[i + 1] as string);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(headers as Iterable<[string, string]>)].filter(([k]) => !drop(k)) as never;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) if (!drop(k)) out[k] = v;
  return out as RequestHeaders;
}

/** The names of a request's headers, lower-case, in any of the shapes undici accepts. */
export function headerNames(headers: RequestHeaders): string[] {
  if (headers == null) return [];
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) return (headers as unknown as [string, string][]).map(([k]) => k.toLowerCase());
    return headers.filter((_, i) => i % 2 === 0).map((k) => String(k).toLowerCase());
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function')
    return [...(headers as Iterable<[string, string]>)].map(([k]) => k.toLowerCase());
  return Object.keys(headers).map((k) => k.toLowerCase());
}
