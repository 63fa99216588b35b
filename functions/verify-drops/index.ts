import { SNSClient } from "@aws-sdk/client-sns";
import type { Context } from "aws-lambda";
import { AwsCallBudgets, awsClientOptions } from "../../shared/aws/client-options.ts";
import { publishFollowUp, SnsPublisher } from "../../shared/ingest/index.ts";
import { logger } from "../../shared/logger.ts";
import { queryRange } from "../../shared/verify/amp-query.ts";
import { readVerifyConfig } from "../../shared/verify/verify-config.ts";
import { verifySqsEvent } from "../../shared/verify/verify-sqs-event.ts";

// Read once per cold start: a bad AMP_QUERY_URL or VERIFY_* variable fails the first invocation, naming it.
const config = readVerifyConfig(process.env);
const sns = new SnsPublisher(() => new SNSClient(awsClientOptions(AwsCallBudgets.sns)));
const amp = { queryUrl: config.queryUrl, region: config.region, timeoutMs: config.queryTimeoutMs };

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  return verifySqsEvent(event, {
    config,
    query: (promql, range) => queryRange(amp, promql, range),
    publish: (report) => publishFollowUp(sns, config.internalTopicArn, report),
    now: () => Math.floor(Date.now() / 1000),
    logger,
  });
};
