import { logger } from "../logger.ts";
import type { Sink } from "../model/index.ts";
import { DeliveryError } from "./errors.ts";

/**
 * The one retry loop for every sink. Sinks make one attempt and throw a DeliveryError saying whether it is
 * retryable; this loop waits (exponential backoff with jitter, or the server's Retry-After, capped) and tries
 * again up to `maxAttempts`. The last error propagates: in Lambda that fails the invocation, and Lambda's
 * async retries and on-failure destination take over.
 */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Delay before the first retry; doubles each retry. */
  baseDelayMs: number;
  /** Upper bound of a backoff delay. */
  maxDelayMs: number;
  /** Upper bound of a Retry-After wait, so a server cannot hold the function until its timeout. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 20_000,
};

export type Sleep = (ms: number) => Promise<void>;

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  /** Injected in tests so nothing waits for real. */
  sleep?: Sleep;
  /** Uniform [0, 1); injected in tests for deterministic jitter. */
  random?: () => number;
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryResult<T> {
  value: T;
  /** Attempts made, the successful one included. */
  attempts: number;
}

export function resolveRetryPolicy(policy: Partial<RetryPolicy> = {}): RetryPolicy {
  const merged = { ...DEFAULT_RETRY_POLICY, ...policy };
  return { ...merged, maxAttempts: Math.max(1, Math.floor(merged.maxAttempts)) };
}

/**
 * Delay before retry number `retry` (1 for the first retry): the Retry-After hint when given (capped),
 * otherwise base * 2^(retry-1) capped, with "equal jitter" (between half and all of it) so concurrent
 * invocations that failed together do not retry together.
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs: number | null,
  random: () => number,
): number {
  if (retryAfterMs !== null) return Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

export async function withRetry<T>(
  sink: Sink,
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<RetryResult<T>> {
  const policy = resolveRetryPolicy(options.policy);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return { value: await attempt(attemptNumber), attempts: attemptNumber };
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      if (!error.retryable || attemptNumber >= policy.maxAttempts) {
        throw new DeliveryError(finalMessage(error, attemptNumber), {
          sink,
          retryable: error.retryable,
          status: error.status,
          retryAfterMs: error.retryAfterMs,
          attempts: attemptNumber,
          cause: error,
        });
      }
      const delayMs = retryDelayMs(attemptNumber, policy, error.retryAfterMs, random);
      logger.warn("delivery attempt failed, retrying", {
        sink,
        attempt: attemptNumber,
        maxAttempts: policy.maxAttempts,
        status: error.status,
        reason: error.message,
        delayMs,
        retryAfterMs: error.retryAfterMs,
      });
      await sleep(delayMs);
    }
  }
}

function finalMessage(error: DeliveryError, attempts: number): string {
  if (!error.retryable) return `${error.message} (not retried: the answer is final)`;
  return `${error.message} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"})`;
}
