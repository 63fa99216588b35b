import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { AwsCallBudgets, awsClientOptions } from "../../shared/aws/client-options.ts";
import { pagerDutyEventsUrlFromEnv } from "../../shared/deliver/config.ts";
import { createPagerDutyNotifier, orderedByAlertTimes } from "../../shared/deliver/pagerduty/index.ts";
import {
  createDeliveryGuard,
  dynamoResolveTimes,
  readIdempotencyConfig,
} from "../../shared/idempotency/index.ts";
import { logger } from "../../shared/logger.ts";
import { notifierFromSecret, notifySnsEvent } from "../../shared/notify/index.ts";
import { PAGERDUTY_ROUTING_KEY_SECRET, secretReaderFromEnv } from "../../shared/secrets/index.ts";

// Read once per cold start: a missing variable fails the first invocation loudly, naming the variable.
const routingKey = secretReaderFromEnv(process.env, PAGERDUTY_ROUTING_KEY_SECRET);
const eventsUrl = pagerDutyEventsUrlFromEnv(process.env);
const idempotency = readIdempotencyConfig(process.env);
const dynamo = new DynamoDBClient(awsClientOptions(AwsCallBudgets.dynamodb));
const guard = createDeliveryGuard(idempotency, { client: dynamo });
// A retried trigger that arrives after the incident's resolve must not reopen it (decided by alert times).
const resolveTimes = dynamoResolveTimes(idempotency, dynamo);
const getNotifier = notifierFromSecret(routingKey, (key) => {
  const notifier = createPagerDutyNotifier({ routingKey: key, eventsUrl });
  return resolveTimes ? orderedByAlertTimes(notifier, resolveTimes) : notifier;
});

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  guard.useLambdaContext(context);
  return notifySnsEvent(event, { sink: "pagerduty", getNotifier, guard, logger });
};
