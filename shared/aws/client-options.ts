/**
 * One place for how long any AWS SDK call may take. The bundled `@smithy/node-http-handler` only logs a
 * warning when `requestTimeout` passes unless `throwOnRequestTimeout` is set: without it a hung SNS Publish or
 * DynamoDB PutItem waits until the Lambda itself times out. `socketTimeout` ends a response whose body stalls.
 * The SDK retries a timed-out call (standard mode), so a call's worst case is every attempt timing out plus
 * the backoff between them: `worstCaseMs` is what the function timeouts are checked against
 * (test/infra/function-timeouts.test.ts).
 */

export interface AwsCallBudget {
  /** From sending the request to the response headers, per attempt. */
  requestTimeoutMs: number;
  connectionTimeoutMs: number;
  /** Attempts in all, the first included (the SDK's `maxAttempts`). */
  maxAttempts: number;
}

export const AwsCallBudgets = {
  /** The ingest function's Publish to the internal topic (and the scaler's report). */
  sns: { requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, maxAttempts: 3 },
  /** Idempotency records: on the delivery path, a slow table must fail fast and let Lambda retry. */
  dynamodb: { requestTimeoutMs: 2_000, connectionTimeoutMs: 1_000, maxAttempts: 2 },
  /**
   * notify-pagerduty's read of a Slack app mode permalink (SLACK_INCIDENT_LINKS): one attempt, since the page
   * goes out with or without the link and should not wait on it.
   */
  slackPermalink: { requestTimeoutMs: 2_000, connectionTimeoutMs: 1_000, maxAttempts: 1 },
  /** Secrets Manager and SSM, read on the delivery path. */
  secrets: { requestTimeoutMs: 3_000, connectionTimeoutMs: 1_000, maxAttempts: 2 },
  /** EKS DescribeCluster/DescribeAddon; each call also carries the enrichment's own abort signal. */
  eks: { requestTimeoutMs: 5_000, connectionTimeoutMs: 2_000, maxAttempts: 2 },
  /** STS AssumeRole into a member account's role (CLUSTERS roleArn); credentials are cached for an hour. */
  sts: { requestTimeoutMs: 3_000, connectionTimeoutMs: 1_000, maxAttempts: 2 },
  /** The CLI's redrive: SQS reads and deletes. */
  sqs: { requestTimeoutMs: 10_000, connectionTimeoutMs: 2_000, maxAttempts: 3 },
  /**
   * The CLI's redrive invoking a function synchronously: it answers when the function finishes (up to its
   * 180 s timeout). One attempt: the redrive reports a failure and keeps the message rather than retrying.
   */
  lambdaInvoke: { requestTimeoutMs: 200_000, connectionTimeoutMs: 2_000, maxAttempts: 1 },
} as const satisfies Record<string, AwsCallBudget>;

// The SDK's standard retry strategy waits at most min(20 s, base * 2^attempt), base 500 ms for throttling.
const RETRY_BASE_DELAY_MS = 500;
const RETRY_MAX_DELAY_MS = 20_000;

export function awsClientOptions(budget: AwsCallBudget) {
  return {
    maxAttempts: budget.maxAttempts,
    requestHandler: {
      requestTimeout: budget.requestTimeoutMs,
      connectionTimeout: budget.connectionTimeoutMs,
      socketTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** The longest one SDK call can take: every attempt times out and every backoff is the longest allowed. */
export function worstCaseMs(budget: AwsCallBudget): number {
  let backoff = 0;
  for (let retry = 1; retry < budget.maxAttempts; retry++) {
    backoff += Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** retry);
  }
  return budget.maxAttempts * (budget.connectionTimeoutMs + budget.requestTimeoutMs) + backoff;
}
