import type { Context } from "aws-lambda";
import { messageLinksFromEnv } from "../../shared/deliver/links.ts";
import { createSlackNotifier } from "../../shared/deliver/slack/index.ts";
import { slackModeFromEnv } from "../../shared/deliver/slack-app/mode.ts";
import { readIdempotencyConfig } from "../../shared/idempotency/idempotency-config.ts";
import { loadIdempotencyStore } from "../../shared/idempotency/load-store.ts";
import { logger } from "../../shared/logger.ts";
import { notifierFromSecret, notifySnsEvent } from "../../shared/notify/index.ts";
import { SLACK_WEBHOOK_URL_SECRET, secretReaderFromEnv } from "../../shared/secrets/index.ts";

// Read once per cold start: a missing variable fails the first invocation loudly, naming the variable.
const links = messageLinksFromEnv(process.env);
const idempotency = readIdempotencyConfig(process.env);
// DynamoDB and Powertools idempotency are loaded only when IDEMPOTENCY_TABLE is set.
const { guard } = await loadIdempotencyStore(idempotency);
// Slack app mode (a bot token) loads its Web API client and incident store only when configured, so webhook
// mode's cold start does not pay for them.
const getNotifier =
  slackModeFromEnv(process.env) === "app"
    ? (await import("../../shared/deliver/slack-app/load.ts")).slackAppNotifierFromEnv(
        process.env,
        links,
        idempotency,
      )
    : notifierFromSecret(secretReaderFromEnv(process.env, SLACK_WEBHOOK_URL_SECRET), (url) =>
        createSlackNotifier({ webhookUrl: url, links }),
      );

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  guard.useLambdaContext(context);
  return notifySnsEvent(event, { sink: "slack", getNotifier, guard, logger });
};
