import type { Context } from "aws-lambda";
import { pagerDutyEventsUrlFromEnv } from "../../shared/deliver/config.ts";
import { createPagerDutyNotifier } from "../../shared/deliver/pagerduty/index.ts";
import { createDeliveryGuard, readIdempotencyConfig } from "../../shared/idempotency/index.ts";
import { logger } from "../../shared/logger.ts";
import { notifierFromSecret, notifySnsEvent } from "../../shared/notify/index.ts";
import { PAGERDUTY_ROUTING_KEY_SECRET, secretReaderFromEnv } from "../../shared/secrets/index.ts";

// Read once per cold start: a missing variable fails the first invocation loudly, naming the variable.
const routingKey = secretReaderFromEnv(process.env, PAGERDUTY_ROUTING_KEY_SECRET);
const eventsUrl = pagerDutyEventsUrlFromEnv(process.env);
const guard = createDeliveryGuard(readIdempotencyConfig(process.env));
const getNotifier = notifierFromSecret(routingKey, (key) =>
  createPagerDutyNotifier({ routingKey: key, eventsUrl }),
);

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  guard.useLambdaContext(context);
  return notifySnsEvent(event, { sink: "pagerduty", getNotifier, guard, logger });
};
