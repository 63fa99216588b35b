import { describe, expect, it } from "vitest";
import { DEFAULT_PAGERDUTY_TIMEOUT_MS } from "../../shared/deliver/pagerduty/send.ts";
import { DEFAULT_RETRY_POLICY } from "../../shared/deliver/retry.ts";
import { DEFAULT_SLACK_TIMEOUT_MS } from "../../shared/deliver/slack/send.ts";
import { loadTemplate } from "../support/infra-template.ts";

/** The longest one delivery can take: every attempt times out and every wait is the longest allowed. */
function worstCaseDeliveryMs(requestTimeoutMs: number): number {
  const { maxAttempts, maxDelayMs, maxRetryAfterMs } = DEFAULT_RETRY_POLICY;
  return maxAttempts * requestTimeoutMs + (maxAttempts - 1) * Math.max(maxDelayMs, maxRetryAfterMs);
}

describe("notify function timeouts", () => {
  const resources = loadTemplate().Resources;

  it.each([
    ["NotifySlackFunction", DEFAULT_SLACK_TIMEOUT_MS],
    ["NotifyPagerDutyFunction", DEFAULT_PAGERDUTY_TIMEOUT_MS],
  ])(
    "%s outlives the delivery retry loop, so a slow sink fails as a delivery error, not a timeout",
    (name, timeout) => {
      const seconds = Number(resources[name]?.Properties.Timeout);
      expect(seconds * 1000).toBeGreaterThan(worstCaseDeliveryMs(timeout));
    },
  );
});
