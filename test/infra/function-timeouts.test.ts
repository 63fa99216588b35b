import { describe, expect, it } from "vitest";
import { AwsCallBudgets, worstCaseMs } from "../../shared/aws/client-options.ts";
import { readClusterReadConfig } from "../../shared/config/ingest-config.ts";
import { DEFAULT_PAGERDUTY_TIMEOUT_MS } from "../../shared/deliver/pagerduty/send.ts";
import { SLACK_PERMALINK_READS_PER_EVENT } from "../../shared/deliver/pagerduty/slack-thread-link.ts";
import { DEFAULT_RETRY_POLICY } from "../../shared/deliver/retry.ts";
import { DEFAULT_SLACK_TIMEOUT_MS } from "../../shared/deliver/slack/send.ts";
import {
  DYNAMODB_CALLS_PER_DELIVERY,
  DYNAMODB_CALLS_PER_ORDER_CHECK,
} from "../../shared/idempotency/index.ts";
import { readScaleConfig, scaleWorstCaseMs } from "../../shared/scale/index.ts";
import { MAX_QUERY_TIMEOUT_MS, readVerifyConfig } from "../../shared/verify/verify-config.ts";
import { loadTemplate } from "../support/infra-template.ts";

/** What the template passes through intrinsics (the workspace URL, the topic), as literal stand-ins. */
const verifyEnv = {
  AMP_QUERY_URL: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/",
  INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
};

/** The longest one delivery can take: every attempt times out and every wait is the longest allowed. */
function worstCaseDeliveryMs(requestTimeoutMs: number): number {
  const { maxAttempts, maxDelayMs, maxRetryAfterMs } = DEFAULT_RETRY_POLICY;
  return maxAttempts * requestTimeoutMs + (maxAttempts - 1) * Math.max(maxDelayMs, maxRetryAfterMs);
}

const resources = loadTemplate().Resources;
const timeoutMs = (name: string) => Number(resources[name]?.Properties.Timeout) * 1000;
/** The literal environment values of a function (intrinsics such as !Ref left out). */
function environment(name: string): Record<string, string> {
  const variables = (resources[name]?.Properties.Environment as { Variables?: Record<string, unknown> })
    ?.Variables;
  return Object.fromEntries(
    Object.entries(variables ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

describe("function timeouts hold every worst-case budget", () => {
  it.each([
    ["NotifySlackFunction", DEFAULT_SLACK_TIMEOUT_MS, DYNAMODB_CALLS_PER_DELIVERY, 0],
    [
      "NotifyPagerDutyFunction",
      DEFAULT_PAGERDUTY_TIMEOUT_MS,
      DYNAMODB_CALLS_PER_DELIVERY + DYNAMODB_CALLS_PER_ORDER_CHECK,
      // Slack app mode: one read of the Slack thread's permalink per event (SLACK_INCIDENT_LINKS).
      SLACK_PERMALINK_READS_PER_EVENT,
    ],
  ])(
    "%s: secret read + idempotency calls + permalink read + delivery retry loop, every call timing out",
    (name, sinkTimeout, dynamoCalls, permalinkReads) => {
      const budget =
        worstCaseMs(AwsCallBudgets.secrets) +
        dynamoCalls * worstCaseMs(AwsCallBudgets.dynamodb) +
        permalinkReads * worstCaseMs(AwsCallBudgets.slackPermalink) +
        worstCaseDeliveryMs(sinkTimeout);
      expect(budget).toBeLessThan(timeoutMs(name));
    },
  );

  it("IngestFunction: enrichment deadline + the Publish, every attempt timing out", () => {
    // The deadline the deployed function runs with: the template's value, else the code's default.
    const config = readClusterReadConfig(environment("IngestFunction"));
    const budget = config.enrichDeadlineMs + worstCaseMs(AwsCallBudgets.sns);
    expect(budget).toBeLessThan(timeoutMs("IngestFunction"));
  });

  it("ScaleCorednsFunction: decision rounds, the add-on update and Ready waits at their maximum, the report", () => {
    const env = environment("ScaleCorednsFunction");
    // The waits at the largest values their variables accept, so no setting can outgrow the timeout.
    const config = readScaleConfig({
      ...env,
      COREDNS_READY_WAIT_SECONDS: "120",
      COREDNS_ADDON_UPDATE_WAIT_SECONDS: "120",
    });
    expect(() => readScaleConfig({ COREDNS_READY_WAIT_SECONDS: "121" })).toThrow(/<= 120/);
    expect(() => readScaleConfig({ COREDNS_ADDON_UPDATE_WAIT_SECONDS: "121" })).toThrow(/<= 120/);
    const budget = scaleWorstCaseMs({ kubeTimeoutMs: readClusterReadConfig(env).kubeTimeoutMs, config });
    expect(budget).toBeLessThan(timeoutMs("ScaleCorednsFunction"));
  });

  it("VerifyDropsFunction: each record's AMP query and Publish, every call timing out; SQS waits long enough", () => {
    const fn = resources.VerifyDropsFunction?.Properties as Record<string, unknown>;
    const batchSize = Number(
      (fn.Events as Record<string, { Properties: { BatchSize: number } }>).Delayed?.Properties.BatchSize,
    );
    // The query timeout at the largest value AMP_QUERY_TIMEOUT_MS accepts, so no setting can outgrow it.
    expect(() =>
      readVerifyConfig({ ...verifyEnv, AMP_QUERY_TIMEOUT_MS: String(MAX_QUERY_TIMEOUT_MS + 1) }),
    ).toThrow(/AMP_QUERY_TIMEOUT_MS must be <=/);
    const budget = batchSize * (MAX_QUERY_TIMEOUT_MS + worstCaseMs(AwsCallBudgets.sns));
    expect(budget).toBeLessThan(timeoutMs("VerifyDropsFunction"));
    const queue = resources.VerifyQueue?.Properties as Record<string, unknown>;
    // Lambda's rule for an SQS trigger: a visibility timeout of at least six times the function's timeout.
    expect(Number(queue.VisibilityTimeout) * 1000).toBeGreaterThanOrEqual(
      6 * timeoutMs("VerifyDropsFunction"),
    );
    // The last receive sends "not verified": the function must know which receive is the last.
    const redrive = queue.RedrivePolicy as { maxReceiveCount: number };
    expect(readVerifyConfig({ ...verifyEnv, ...environment("VerifyDropsFunction") }).maxReceives).toBe(
      redrive.maxReceiveCount,
    );
  });

  it("counts every attempt and the backoff between them", () => {
    expect(worstCaseMs({ requestTimeoutMs: 1_000, connectionTimeoutMs: 500, maxAttempts: 1 })).toBe(1_500);
    expect(worstCaseMs({ requestTimeoutMs: 1_000, connectionTimeoutMs: 500, maxAttempts: 3 })).toBe(
      3 * 1_500 + 1_000 + 2_000,
    );
  });
});
