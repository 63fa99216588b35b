import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { AwsCallBudgets, awsClientOptions } from "../../aws/client-options.ts";
import type { Env } from "../../config/env.ts";
import { ConfigError } from "../../errors.ts";
import type { IdempotencyConfig } from "../../idempotency/idempotency-config.ts";
import { secretReaderFromEnv } from "../../secrets/secret-reader.ts";
import type { MessageLinks } from "../links.ts";
import type { Notifier } from "../notifier.ts";
import { notifierFromSecret } from "../notifier-from-secret.ts";
import { createSlackAppNotifier } from "./app-notifier.ts";
import { checkBotToken, readSlackAppConfig, SLACK_BOT_TOKEN_SECRET } from "./config.ts";
import { dynamoIncidentStore } from "./dynamo-incident-store.ts";
import { createSlackWebApi } from "./web-api.ts";

/**
 * notify-slack's app mode, imported by the handler only when a bot token is configured: the Web API client
 * and the incident store never load in webhook mode. The incident records live in the idempotency table, so
 * app mode requires it.
 */
export function slackAppNotifierFromEnv(
  env: Env,
  links: MessageLinks,
  idempotency: IdempotencyConfig,
): () => Promise<Notifier> {
  const config = readSlackAppConfig(env);
  if (idempotency.tableName === null)
    throw new ConfigError(
      "Slack app mode (SLACK_BOT_TOKEN_SECRET) needs IDEMPOTENCY_TABLE: each incident's message (channel, ts) is kept there",
    );
  const token = secretReaderFromEnv(env, SLACK_BOT_TOKEN_SECRET);
  const store = dynamoIncidentStore({
    tableName: idempotency.tableName,
    client: new DynamoDBClient(awsClientOptions(AwsCallBudgets.dynamodb)),
  });
  return notifierFromSecret(token, (value) =>
    createSlackAppNotifier({
      api: createSlackWebApi({ token: checkBotToken(value, token.source.variable), apiUrl: config.apiUrl }),
      store,
      channel: config.channel,
      links,
    }),
  );
}
