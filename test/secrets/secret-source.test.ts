import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/errors.ts";
import {
  describeSecretSource,
  isSecretConfigured,
  PAGERDUTY_ROUTING_KEY_SECRET,
  readSecretSource,
  SLACK_WEBHOOK_URL_SECRET,
} from "../../shared/secrets/index.ts";

describe("readSecretSource", () => {
  it.each([
    {
      value: "/linklocal-sentinel/slack-webhook",
      store: "ssm",
      reference: "/linklocal-sentinel/slack-webhook",
    },
    { value: "ssm:sentinel-slack-webhook", store: "ssm", reference: "sentinel-slack-webhook" },
    { value: "ssm:/a/b", store: "ssm", reference: "/a/b" },
    {
      value: "arn:aws:ssm:eu-west-1:111122223333:parameter/sentinel/slack",
      store: "ssm",
      reference: "arn:aws:ssm:eu-west-1:111122223333:parameter/sentinel/slack",
    },
    { value: "sentinel/slack-webhook", store: "secrets-manager", reference: "sentinel/slack-webhook" },
    {
      value: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sentinel/slack-AbCdEf",
      store: "secrets-manager",
      reference: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sentinel/slack-AbCdEf",
    },
  ])("SLACK_WEBHOOK_SECRET=$value reads $store", ({ value, store, reference }) => {
    expect(readSecretSource({ SLACK_WEBHOOK_SECRET: value }, SLACK_WEBHOOK_URL_SECRET)).toEqual({
      store,
      variable: "SLACK_WEBHOOK_SECRET",
      reference,
    });
  });

  it("takes a plain value for local runs, and never describes it", () => {
    const url = "https://hooks.slack.com/services/T000/B000/plainsecret";
    const source = readSecretSource({ SLACK_WEBHOOK_URL: ` ${url} ` }, SLACK_WEBHOOK_URL_SECRET);
    expect(source).toEqual({ store: "plain", variable: "SLACK_WEBHOOK_URL", value: url });
    expect(describeSecretSource(source)).toBe("SLACK_WEBHOOK_URL (plain value)");
  });

  it("names both variables when neither is set, and no value when both are", () => {
    expect(() => readSecretSource({}, PAGERDUTY_ROUTING_KEY_SECRET)).toThrow(
      /PagerDuty routing key is not configured: set PAGERDUTY_ROUTING_KEY_SECRET .* or PAGERDUTY_ROUTING_KEY/,
    );
    const both = { PAGERDUTY_ROUTING_KEY: "R0UT1NGK3YVALUE", PAGERDUTY_ROUTING_KEY_SECRET: "pd/key" };
    expect(() => readSecretSource(both, PAGERDUTY_ROUTING_KEY_SECRET)).toThrow(ConfigError);
    try {
      readSecretSource(both, PAGERDUTY_ROUTING_KEY_SECRET);
    } catch (error) {
      expect((error as Error).message).toContain("both set");
      expect((error as Error).message).not.toContain("R0UT1NGK3YVALUE");
    }
  });

  it('rejects "ssm:" without a name', () => {
    expect(() => readSecretSource({ SLACK_WEBHOOK_SECRET: "ssm:" }, SLACK_WEBHOOK_URL_SECRET)).toThrow(
      /SLACK_WEBHOOK_SECRET is "ssm:" without a parameter name/,
    );
  });

  it("says whether a secret is configured at all", () => {
    expect(isSecretConfigured({}, SLACK_WEBHOOK_URL_SECRET)).toBe(false);
    expect(isSecretConfigured({ SLACK_WEBHOOK_URL: " " }, SLACK_WEBHOOK_URL_SECRET)).toBe(false);
    expect(isSecretConfigured({ SLACK_WEBHOOK_SECRET: "x" }, SLACK_WEBHOOK_URL_SECRET)).toBe(true);
  });
});
