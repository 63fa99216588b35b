/** Which variables hold one secret, and the JSON keys that may carry it inside a structured secret. */
export interface SecretSpec {
  /** For people: "Slack webhook URL". */
  description: string;
  /** Holds the value itself; meant for local runs and the CLI. */
  plainVariable: string;
  /** Holds a reference: a Secrets Manager secret id or ARN, or an SSM SecureString name or ARN. */
  referenceVariable: string;
  /** Tried in order when the stored secret is a JSON object. */
  jsonKeys: readonly string[];
  /** The value is a URL: inside Lambda only https is accepted (plain http would carry the secret in clear). */
  isUrl?: boolean;
}

export const SLACK_WEBHOOK_URL_SECRET: SecretSpec = {
  description: "Slack webhook URL",
  plainVariable: "SLACK_WEBHOOK_URL",
  referenceVariable: "SLACK_WEBHOOK_SECRET",
  jsonKeys: ["webhookUrl", "url"],
  isUrl: true,
};

export const PAGERDUTY_ROUTING_KEY_SECRET: SecretSpec = {
  description: "PagerDuty routing key",
  plainVariable: "PAGERDUTY_ROUTING_KEY",
  referenceVariable: "PAGERDUTY_ROUTING_KEY_SECRET",
  jsonKeys: ["routingKey", "routing_key"],
};
