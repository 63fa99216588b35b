import { describe, expect, it } from "vitest";
import { DeliveryError } from "../../shared/deliver/errors.ts";
import { DEFAULT_RETRY_POLICY, retryDelayMs, withRetry } from "../../shared/deliver/retry.ts";
import { recordingSleep } from "../support/deliver-servers.ts";

const retryable = (retryAfterMs: number | null = null) =>
  new DeliveryError("HTTP 503: server error", { sink: "slack", retryable: true, status: 503, retryAfterMs });
const final = () => new DeliveryError("HTTP 400: bad", { sink: "slack", retryable: false, status: 400 });

describe("withRetry", () => {
  it("returns the first success with the attempts it took", async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    const result = await withRetry(
      "slack",
      async () => {
        calls++;
        if (calls < 3) throw retryable();
        return "done";
      },
      { sleep, random: () => 0.5 },
    );
    expect(result).toEqual({ value: "done", attempts: 3 });
    expect(delays).toHaveLength(2);
  });

  it("does not retry a final answer and says so", async () => {
    const { sleep, delays } = recordingSleep();
    const error = await withRetry("slack", async () => Promise.reject(final()), { sleep }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).attempts).toBe(1);
    expect((error as DeliveryError).retryable).toBe(false);
    expect((error as DeliveryError).message).toMatch(/not retried/);
    expect(delays).toEqual([]);
  });

  it("gives up after maxAttempts and propagates the last error", async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    const error = await withRetry(
      "pagerduty",
      async () => {
        calls++;
        throw retryable();
      },
      { sleep, policy: { maxAttempts: 3 } },
    ).then(
      () => expect.fail("expected a failure"),
      (e: unknown) => e as DeliveryError,
    );
    expect(calls).toBe(3);
    expect(delays).toHaveLength(2);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.sink).toBe("pagerduty");
    expect(error.attempts).toBe(3);
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/gave up after 3 attempts/);
    expect(error.cause).toBeInstanceOf(DeliveryError);
  });

  it("waits the server's Retry-After, capped at maxRetryAfterMs", async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    await withRetry(
      "slack",
      async () => {
        calls++;
        if (calls === 1) throw retryable(3_000);
        if (calls === 2) throw retryable(600_000);
        return undefined;
      },
      { sleep, policy: { maxRetryAfterMs: 20_000 } },
    );
    expect(delays).toEqual([3_000, 20_000]);
  });

  it("rethrows errors that are not delivery errors untouched (bugs are not retried)", async () => {
    const bug = new TypeError("x is undefined");
    const { sleep, delays } = recordingSleep();
    await expect(withRetry("slack", async () => Promise.reject(bug), { sleep })).rejects.toBe(bug);
    expect(delays).toEqual([]);
  });
});

describe("retryDelayMs", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };

  it("doubles per retry with jitter between half and all of the step, capped", () => {
    expect(retryDelayMs(1, policy, null, () => 0)).toBe(50);
    expect(retryDelayMs(1, policy, null, () => 0.999_999)).toBe(100);
    expect(retryDelayMs(2, policy, null, () => 0)).toBe(100);
    expect(retryDelayMs(3, policy, null, () => 1)).toBe(400);
    expect(retryDelayMs(10, policy, null, () => 1)).toBe(1_000);
    expect(retryDelayMs(10, policy, null, () => 0)).toBe(500);
  });

  it("prefers a Retry-After hint, never negative, never above the cap", () => {
    expect(retryDelayMs(1, policy, 2_500, () => 0)).toBe(2_500);
    expect(retryDelayMs(1, policy, -5, () => 0)).toBe(0);
    expect(retryDelayMs(1, policy, 10 ** 9, () => 0)).toBe(policy.maxRetryAfterMs);
  });
});
