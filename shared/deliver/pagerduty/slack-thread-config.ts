import { type Env, readBoolean } from "../../config/env.ts";
import { ConfigError } from "../../errors.ts";
import type { IdempotencyConfig } from "../../idempotency/idempotency-config.ts";
import type { SlackThreadLinks } from "./slack-thread-link.ts";

/**
 * SLACK_INCIDENT_LINKS=true (the stack sets it in Slack app mode): PagerDuty's events link the incident's
 * Slack thread, read from the idempotency table where notify-slack keeps it. Off by default; on without
 * IDEMPOTENCY_TABLE is a configuration error, named at cold start. The reader, which knows Slack app mode's
 * record layout, is imported only when on (with its DynamoDB client).
 */
export async function slackThreadLinksFromEnv(
  env: Env,
  idempotency: IdempotencyConfig,
): Promise<SlackThreadLinks | undefined> {
  if (!readBoolean(env, "SLACK_INCIDENT_LINKS", false)) return undefined;
  if (idempotency.tableName === null)
    throw new ConfigError(
      "SLACK_INCIDENT_LINKS=true needs IDEMPOTENCY_TABLE: notify-slack keeps each incident's Slack permalink there",
    );
  const { slackPermalinkReader } = await import("../slack-app/permalink-reader.ts");
  return slackPermalinkReader({ tableName: idempotency.tableName });
}
