import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/errors.ts";
import {
  extractSecretValue,
  PAGERDUTY_ROUTING_KEY_SECRET,
  SLACK_WEBHOOK_URL_SECRET,
} from "../../shared/secrets/index.ts";

const URL = "https://hooks.slack.com/services/T000/B000/xyzSECRET";

describe("extractSecretValue", () => {
  it.each([
    { stored: URL, expected: URL },
    { stored: `  ${URL}\n`, expected: URL },
    { stored: JSON.stringify({ webhookUrl: URL }), expected: URL },
    { stored: JSON.stringify({ url: URL, channel: "#dns" }), expected: URL },
    { stored: JSON.stringify({ webhookUrl: "", url: URL }), expected: URL },
    { stored: new TextEncoder().encode(URL), expected: URL },
  ])("Slack: $stored", ({ stored, expected }) => {
    expect(extractSecretValue(stored, SLACK_WEBHOOK_URL_SECRET, "SLACK_WEBHOOK_SECRET")).toBe(expected);
  });

  it.each([
    { stored: "R0UTINGKEY0123456789abcdefabcdef", expected: "R0UTINGKEY0123456789abcdefabcdef" },
    { stored: '{"routingKey":"R0UTINGKEY"}', expected: "R0UTINGKEY" },
    { stored: '{"routing_key":"R0UTINGKEY"}', expected: "R0UTINGKEY" },
  ])("PagerDuty: $stored", ({ stored, expected }) => {
    expect(extractSecretValue(stored, PAGERDUTY_ROUTING_KEY_SECRET, "PAGERDUTY_ROUTING_KEY_SECRET")).toBe(
      expected,
    );
  });

  it.each([
    { stored: "   ", problem: "the secret named by SLACK_WEBHOOK_SECRET is empty" },
    { stored: `{"webhookUrl": "${URL}"`, problem: 'starts with "{" but is not valid JSON' },
    { stored: `{"hook": "${URL}"}`, problem: 'without a non-empty string under "webhookUrl" or "url"' },
    { stored: `{"url": 42}`, problem: 'without a non-empty string under "webhookUrl" or "url"' },
  ])("rejects $stored without quoting it", ({ stored, problem }) => {
    let caught: unknown;
    try {
      extractSecretValue(stored, SLACK_WEBHOOK_URL_SECRET, "SLACK_WEBHOOK_SECRET");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain(problem);
    expect((caught as Error).message).not.toContain("xyzSECRET");
  });
});
