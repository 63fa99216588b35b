import type { Context } from "aws-lambda";
import { pagerDutyEventsUrlFromEnv } from "../../shared/deliver/config.ts";
import { messageLinksFromEnv } from "../../shared/deliver/links.ts";
import { createPagerDutyNotifier, orderedByAlertTimes } from "../../shared/deliver/pagerduty/index.ts";
import { slackThreadLinksFromEnv } from "../../shared/deliver/pagerduty/slack-thread-config.ts";
import { readIdempotencyConfig } from "../../shared/idempotency/idempotency-config.ts";
import { loadIdempotencyStore } from "../../shared/idempotency/load-store.ts";
import { logger } from "../../shared/logger.ts";
import { notifierFromSecret, notifySnsEvent } from "../../shared/notify/index.ts";
import { PAGERDUTY_ROUTING_KEY_SECRET, secretReaderFromEnv } from "../../shared/secrets/index.ts";

// Read once per cold start: a missing variable fails the first invocation loudly, naming the variable.
const links = messageLinksFromEnv(process.env);
const routingKey = secretReaderFromEnv(process.env, PAGERDUTY_ROUTING_KEY_SECRET);
const eventsUrl = pagerDutyEventsUrlFromEnv(process.env);
// DynamoDB and Powertools idempotency are loaded only when IDEMPOTENCY_TABLE is set. With it, a retried trigger
// that arrives after the incident's resolve does not reopen it (decided by alert times).
const idempotency = readIdempotencyConfig(process.env);
const { guard, resolveTimes } = await loadIdempotencyStore(idempotency);
// In Slack app mode, events link the incident's Slack thread (never its token: only the table is read).
const slackThread = await slackThreadLinksFromEnv(process.env, idempotency);
const getNotifier = notifierFromSecret(routingKey, (key) => {
  const notifier = createPagerDutyNotifier({ routingKey: key, eventsUrl, links, slackThread });
  return resolveTimes ? orderedByAlertTimes(notifier, resolveTimes) : notifier;
});

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  guard.useLambdaContext(context);
  return notifySnsEvent(event, { sink: "pagerduty", getNotifier, guard, logger });
};
