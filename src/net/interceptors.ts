// The undici interceptors every request of a build passes through (composed in agent.ts):
// credentials by origin, minimum transfer rate and per-request deadline, API usage counting,
// and the retry policy for API requests. They hold no state beyond one request and never log headers.

import { RetryHandler, type Dispatcher } from 'undici';
import type { BuildpackError } from '../errors.js';
import type { Logger } from '../log.js';
import { safeUrl } from '../util/secrets.js';
import type { ResponseHeaders } from './exchange.js';
import { header, headerNames, withoutHeader } from './headers.js';
import { logRetry, sleepFor, verdictForError, verdictForStatus, type RetryPolicy } from './retry.js';
import { requestDeadlineExceeded, transferTooSlow } from '../errors/catalog.js';

type Dispatch = Dispatcher['dispatch'];
type DispatchOptions = Dispatcher.DispatchOptions;
type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
export type Interceptor = Dispatcher.DispatcherComposeInterceptor;

/** Forwards every callback unchanged; subclasses override the ones they watch. */
class ForwardingHandler implements Handler {
  constructor(protected readonly inner: Handler) {}
  onRequestStart(controller: Controller, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }
  onRequestUpgrade(controller: Controller, statusCode: number, headers: ResponseHeaders, socket: unknown): void {
    (this.inner.onRequestUpgrade as ((...a: unknown[]) => void) | undefined)?.call(this.inner, controller, statusCode, headers, socket);
  }
  onResponseStart(controller: Controller, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    this.inner.onResponseStart?.(controller, statusCode, headers as never, statusMessage);
  }
  onResponseData(controller: Controller, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }
  onResponseEnd(controller: Controller, trailers: ResponseHeaders): void {
    this.inner.onResponseEnd?.(controller, trailers as never);
  }
  onResponseError(controller: Controller, error: Error): void {
    this.inner.onResponseError?.(controller, error);
  }
}

/** The origin a dispatch goes to, as `scheme://host:port` (URL.origin form). */
function originOf(options: DispatchOptions): string | undefined {
  const raw = options.origin;
  if (raw === undefined) return undefined;
  try {
    return new URL(String(raw)).origin;
  } catch {
    return undefined;
  }
}

/**
 * Credentials by origin: Authorization (and Cookie) reach only `apiOrigin`. Every hop is
 * checked, so a redirect, a pagination link or an asset URL from an API answer that names
 * another host gets no token, whichever caller built the request.
 */
export function credentialsByOrigin(apiOrigin: string): Interceptor {
  return (dispatch: Dispatch) => (options, handler) => {
    if (originOf(options) === apiOrigin) return dispatch(options, handler);
    return dispatch({ ...options, headers: withoutHeader(withoutHeader(options.headers, 'authorization'), 'cookie') }, handler);
  };
}

/**
 * One debug line per hop of a download (`hopLog` in the request options), after the credential
 * check, so the log says truthfully which hop carried a token. URLs are stripped of secrets.
 */
export function logHops(): Interceptor {
  return (dispatch: Dispatch) => (options, handler) => {
    const log = (options as { hopLog?: Logger }).hopLog;
    if (log) {
      const auth = headerNames(options.headers).includes('authorization');
      log.debug(`${options.method ?? 'GET'} ${safeUrl(`${originOf(options) ?? ''}${options.path ?? ''}`)}${auth ? ' (with token)' : ''}`);
    }
    return dispatch(options, handler);
  };
}

export interface DeadlineSettings {
  /** The body must bring at least this many bytes per second, averaged over `windowMs` (0 turns the check off). */
  minBytesPerSecond: number;
  windowMs: number;
  /** Whole request, from dispatch to the last body byte. */
  requestMs: number;
}

/**
 * Like curl's --speed-limit/--speed-time plus --max-time: a response whose body brings fewer
 * than minBytesPerSecond over a whole window, or a request that outlives requestMs, is aborted
 * with GHA026 / GHA027. The idle timeout alone would let a server trickle a byte a second forever.
 */
export function deadlines(settings: DeadlineSettings): Interceptor {
  return (dispatch: Dispatch) => (options, handler) => dispatch(options, new DeadlineHandler(handler, options, settings));
}

class DeadlineHandler extends ForwardingHandler {
  private controller: Controller | undefined;
  private received = 0;
  private markAt = 0;
  private overall: NodeJS.Timeout | undefined;
  private window: NodeJS.Timeout | undefined;
  private failure: BuildpackError | undefined;

  constructor(
    inner: Handler,
    private readonly options: DispatchOptions,
    private readonly settings: DeadlineSettings,
  ) {
    super(inner);
    this.overall = setTimeout(() => this.fail(this.tooLong()), clampTimer(settings.requestMs));
    this.overall.unref();
  }

  private what(): string {
    return safeUrl(`${originOf(this.options) ?? ''}${this.options.path ?? ''}`);
  }

  private tooLong(): BuildpackError {
    return requestDeadlineExceeded(this.what(), seconds(this.settings.requestMs));
  }

  private fail(err: BuildpackError): void {
    this.stop();
    if (this.failure) return;
    this.failure = err;
    this.controller?.abort(err);
  }

  private stop(): void {
    clearTimeout(this.overall);
    clearInterval(this.window);
  }

  override onRequestStart(controller: Controller, context: unknown): void {
    this.controller = controller;
    if (this.failure) controller.abort(this.failure);
    super.onRequestStart(controller, context);
  }

  override onResponseStart(controller: Controller, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    const { minBytesPerSecond, windowMs } = this.settings;
    if (statusCode >= 200 && minBytesPerSecond > 0 && this.window === undefined) {
      this.markAt = this.received;
      this.window = setInterval(() => {
        const brought = this.received - this.markAt;
        this.markAt = this.received;
        // A paused body waits for our disk, not for the server; total silence is the idle timeout's to report.
        if (this.controller?.paused || brought === 0) return;
        if (brought < (minBytesPerSecond * windowMs) / 1000) {
          this.fail(transferTooSlow({ what: this.what(), brought, windowShown: seconds(windowMs), minBytesPerSecond }));
        }
      }, clampTimer(windowMs));
      this.window.unref();
    }
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }

  override onResponseData(controller: Controller, chunk: Buffer): void {
    this.received += chunk.length;
    super.onResponseData(controller, chunk);
  }

  override onResponseEnd(controller: Controller, trailers: ResponseHeaders): void {
    this.stop();
    super.onResponseEnd(controller, trailers);
  }

  override onResponseError(controller: Controller, error: Error): void {
    this.stop();
    super.onResponseError(controller, this.failure ?? error);
  }
}

/** What the API calls of this build cost, for a closing log line ("3 API requests, 57 left"). */
export interface ApiUsage {
  /** HTTP requests of release lookups, retries included; asset downloads are not counted. */
  requests: number;
  /** From the last answer's x-ratelimit-* headers, when it had them. */
  rateLimit?: { limit: number; remaining: number; resetAt: Date };
}

/** Counts each API request (each retry too) and keeps the last rate-limit headers. */
export function countUsage(usage: ApiUsage): Interceptor {
  return (dispatch: Dispatch) => (options, handler) => {
    usage.requests++;
    return dispatch(options, new UsageHandler(handler, usage));
  };
}

class UsageHandler extends ForwardingHandler {
  constructor(
    inner: Handler,
    private readonly usage: ApiUsage,
  ) {
    super(inner);
  }
  override onResponseStart(controller: Controller, statusCode: number, headers: ResponseHeaders, statusMessage?: string): void {
    const [limit, remaining, reset] = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((n) =>
      Number(header(headers, n) ?? NaN),
    );
    if (Number.isSafeInteger(limit) && Number.isSafeInteger(remaining) && Number.isSafeInteger(reset) && Math.abs(reset!) < 8.64e12) {
      this.usage.rateLimit = { limit: limit!, remaining: remaining!, resetAt: new Date(reset! * 1000) };
    }
    super.onResponseStart(controller, statusCode, headers, statusMessage);
  }
}

/**
 * undici's retry interceptor driven by our RetryPolicy (retry.ts): GET/HEAD only, transient
 * errors and statuses, rate limits sat out up to the cap. Answers it will not retry (rate limits
 * beyond the cap included) pass through unchanged so the caller maps the real status.
 */
export function retryByPolicy(policy: RetryPolicy, log?: Logger): Interceptor {
  return (dispatch: Dispatch) => (options, handler) => {
    const method = (options.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return dispatch(options, handler);
    const what = `GitHub API ${method} ${safeUrl(`${originOf(options) ?? ''}${options.path ?? ''}`).replace(/\?\u2026$/, '')}`;
    const retry = (err: Error, { state }: { state: { counter: number } }, callback: (err?: Error | null) => void): void => {
      const failure = err as Error & { statusCode?: number; headers?: ResponseHeaders; code?: string };
      const attempt = state.counter;
      const verdict =
        typeof failure.statusCode === 'number' && failure.code === 'UND_ERR_REQ_RETRY'
          ? verdictForStatus(policy, attempt, failure.statusCode, (n) => header(failure.headers, n))
          : verdictForError(policy, attempt, err);
      if (!verdict.retry) {
        callback(err);
        return;
      }
      logRetry(log, what, verdict, { attempt, policy });
      sleepFor(policy, verdict.waitMs).then(
        () => callback(null),
        (e: Error) => callback(e),
      );
    };
    const retryHandler = new RetryHandler(
      { ...options, retryOptions: { retry: retry as never, throwOnError: false, methods: ['GET', 'HEAD'] } } as never,
      { dispatch, handler },
    );
    return dispatch(options, retryHandler as unknown as Handler);
  };
}

/** setTimeout fires at once for delays beyond 2^31-1 ms; never ask it for more. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
export function clampTimer(ms: number): number {
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_TIMER_MS) : MAX_TIMER_MS;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
