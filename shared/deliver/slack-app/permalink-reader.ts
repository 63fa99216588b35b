import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { AwsCallBudgets, awsClientOptions } from "../../aws/client-options.ts";
import { errorMessage } from "../../errors.ts";
import { logger } from "../../logger.ts";
import type { SlackThreadLinks } from "../pagerduty/slack-thread-link.ts";
import { INCIDENT_KEY_PREFIX, MESSAGE_KEY_PREFIX, PERMALINK_ATTRIBUTE } from "./dynamo-incident-store.ts";
import { slackIncidentKey } from "./incident-key.ts";

export interface SlackPermalinkReaderOptions {
  tableName: string;
  /** Default: a client with its own short budget (AwsCallBudgets.slackPermalink), so the page hardly waits. */
  client?: DynamoDBClient;
}

/**
 * Reads the permalinks notify-slack keeps in app mode, for notify-pagerduty: one GetItem of the permalink
 * attribute alone, on the incident's record (a trigger) or the AMP message's record (a scale report or a
 * verification). A record not written yet, a table that fails or hangs, a denied read: each is no link,
 * logged, never a failed delivery.
 */
export function slackPermalinkReader(options: SlackPermalinkReaderOptions): SlackThreadLinks {
  const { tableName } = options;
  const client = options.client ?? new DynamoDBClient(awsClientOptions(AwsCallBudgets.slackPermalink));

  async function read(id: string, what: string): Promise<string | null> {
    try {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { id: { S: id } },
          ProjectionExpression: "#permalink",
          ExpressionAttributeNames: { "#permalink": PERMALINK_ATTRIBUTE },
          // The Slack post may have landed a moment ago, in the other function.
          ConsistentRead: true,
        }),
      );
      return Item?.[PERMALINK_ATTRIBUTE]?.S ?? null;
    } catch (error) {
      logger.warn("the Slack thread's link could not be read; PagerDuty's event goes without it", {
        of: what,
        failure: errorMessage(error),
      });
      return null;
    }
  }

  return {
    ofGroup: (group) => read(INCIDENT_KEY_PREFIX + slackIncidentKey(group), "incident"),
    ofMessage: (messageId) => read(MESSAGE_KEY_PREFIX + messageId, "message"),
  };
}
