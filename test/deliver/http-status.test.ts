import { describe, expect, it } from "vitest";
import {
  classifyHttpStatus,
  classifyNetworkError,
  parseRetryAfter,
} from "../../shared/deliver/http-status.ts";
import type { Sink } from "../../shared/model/index.ts";

const SINKS: Sink[] = ["slack", "pagerduty"];

describe("classifyHttpStatus", () => {
  it.each([
    // [sink, status, outcome]
    ["slack", 200, "ok"],
    ["slack", 204, "ok"],
    ["pagerduty", 202, "ok"],
    ["slack", 100, "final"],
    ["pagerduty", 101, "final"],
    ["slack", 301, "final"],
    ["pagerduty", 302, "final"],
    ["slack", 307, "final"],
    ["slack", 400, "final"],
    ["pagerduty", 400, "final"],
    ["slack", 401, "final"],
    ["slack", 403, "final"],
    ["slack", 404, "final"],
    ["pagerduty", 404, "final"],
    ["slack", 408, "retryable"],
    ["slack", 410, "final"],
    ["pagerduty", 413, "final"],
    ["slack", 429, "retryable"],
    ["pagerduty", 429, "retryable"],
    ["slack", 500, "retryable"],
    ["pagerduty", 502, "retryable"],
    ["pagerduty", 503, "retryable"],
    ["slack", 504, "retryable"],
    ["slack", 599, "retryable"],
    ["slack", 99, "final"],
    ["pagerduty", 600, "final"],
    ["slack", 0, "final"],
  ] as const)("%s HTTP %i is %s", (sink, status, outcome) => {
    expect(classifyHttpStatus(sink, status).outcome).toBe(outcome);
  });

  it.each(SINKS)("covers every status class for %s", (sink) => {
    for (let status = 100; status <= 599; status++) {
      const { outcome, reason } = classifyHttpStatus(sink, status);
      expect(reason).toContain(String(status));
      if (status >= 200 && status < 300) expect(outcome).toBe("ok");
      else if (status >= 500) expect(outcome).toBe("retryable");
      else if (status === 408 || status === 429) expect(outcome).toBe("retryable");
      else expect(outcome).toBe("final");
    }
  });

  it("names the sink's meaning for its special statuses", () => {
    expect(classifyHttpStatus("pagerduty", 429).reason).toMatch(/PagerDuty rate limit/);
    expect(classifyHttpStatus("slack", 429).reason).toMatch(/1 message per second/);
    expect(classifyHttpStatus("slack", 410).reason).toMatch(/archived/);
  });

  it("honours Retry-After on retryable answers only", () => {
    expect(classifyHttpStatus("slack", 429, "7").retryAfterMs).toBe(7_000);
    expect(classifyHttpStatus("pagerduty", 503, "2").retryAfterMs).toBe(2_000);
    expect(classifyHttpStatus("slack", 400, "7").retryAfterMs).toBeUndefined();
    expect(classifyHttpStatus("slack", 429, "soon").retryAfterMs).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-23T09:00:00Z");
  it.each([
    ["0", 0],
    ["30", 30_000],
    [" 5 ", 5_000],
    ["Mon, 23 Nov 2026 09:00:10 GMT", 10_000],
    ["Mon, 23 Nov 2026 08:59:00 GMT", 0],
    ["-1", null],
    ["1.5", null],
    ["", null],
    ["tomorrow-ish", null],
  ] as const)("%j -> %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe("classifyNetworkError", () => {
  it("calls a timeout a timeout, and retryable", () => {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const verdict = classifyNetworkError(new TypeError("fetch failed", { cause: timeout }), 1500);
    expect(verdict).toEqual({ outcome: "retryable", reason: "no answer within 1500 ms (timeout)" });
  });

  it("keeps only the error code of a connection failure, never its message", () => {
    const refused = Object.assign(
      new Error("connect ECONNREFUSED 127.0.0.1:1 https://hooks.slack.com/services/T/B/secret"),
      {
        code: "ECONNREFUSED",
      },
    );
    const verdict = classifyNetworkError(new TypeError("fetch failed", { cause: refused }), 1000);
    expect(verdict).toEqual({ outcome: "retryable", reason: "network error ECONNREFUSED" });
  });
});
