import { describe, expect, it } from "vitest";
import { readIngestConfig } from "../../shared/config/ingest-config.ts";
import { readSlackAppConfig, SLACK_BOT_TOKEN_SECRET } from "../../shared/deliver/slack-app/config.ts";
import { slackModeFromEnv } from "../../shared/deliver/slack-app/mode.ts";
import { readIdempotencyConfig } from "../../shared/idempotency/index.ts";
import { routesFromEnv } from "../../shared/route/index.ts";
import {
  PAGERDUTY_ROUTING_KEY_SECRET,
  readSecretSource,
  SecretStore,
  SLACK_WEBHOOK_URL_SECRET,
} from "../../shared/secrets/index.ts";
import {
  entryPoint,
  environmentOf,
  loadTemplate,
  reachableSources,
  resolveEnvironment,
  type ServerlessFunction,
  serverlessFunctions,
} from "../support/infra-template.ts";

const template = loadTemplate();
const functions = serverlessFunctions(template);

function fn(logicalId: string): ServerlessFunction {
  const found = functions.find((f) => f.logicalId === logicalId);
  if (!found) throw new Error(`no ${logicalId} in the template`);
  return found;
}

/** Read by the runtime or a library, not by our code. */
const READ_OUTSIDE_OUR_CODE: Record<string, string> = {
  POWERTOOLS_LOG_LEVEL: "Powertools logger level",
  NODE_OPTIONS: "Node.js itself (--enable-source-maps)",
};

/** Lambda sets these and refuses a function configuration that sets them. */
const LAMBDA_RESERVED = [
  /^AWS_REGION$/,
  /^AWS_DEFAULT_REGION$/,
  /^AWS_EXECUTION_ENV$/,
  /^AWS_LAMBDA_/,
  /^AWS_ACCESS_KEY/,
  /^AWS_SECRET_ACCESS_KEY$/,
  /^AWS_SESSION_TOKEN$/,
  /^AWS_XRAY_/,
  /^_HANDLER$/,
  /^_X_AMZN_TRACE_ID$/,
  /^LAMBDA_TASK_ROOT$/,
  /^LAMBDA_RUNTIME_DIR$/,
];

const READ_PATTERNS = [
  /read(?:String|Required|Int|Enum|Boolean)\(\s*[\w.]+,\s*"([A-Z][A-Z0-9_]*)"/g,
  /\benv\.([A-Z][A-Z0-9_]*)\b/g,
  /\benv\[\s*"([A-Z][A-Z0-9_]*)"\s*\]/g,
  /(?:plain|reference)Variable:\s*"([A-Z][A-Z0-9_]*)"/g,
];

/** Variable names the code bundled into a function reads, and those it requires. */
function variablesRead(entry: string): { read: Set<string>; required: Set<string> } {
  const read = new Set<string>();
  const required = new Set<string>();
  for (const text of reachableSources(entry).values()) {
    for (const pattern of READ_PATTERNS) for (const match of text.matchAll(pattern)) read.add(match[1] ?? "");
    for (const match of text.matchAll(/readRequired\(\s*[\w.]+,\s*"([A-Z][A-Z0-9_]*)"/g))
      required.add(match[1] ?? "");
  }
  return { read, required };
}

const SLACK_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:linklocal/slack-AbCdEf";
const PAGERDUTY_SECRET_ARN =
  "arn:aws:secretsmanager:eu-west-1:111122223333:secret:linklocal/pagerduty-AbCdEf";

describe("environment variables the template sets", () => {
  it.each(functions.map((f) => [f.logicalId, f] as const))(
    "%s: every variable is read by its bundled code",
    (_, f) => {
      const { read } = variablesRead(entryPoint(f));
      const set = Object.keys(environmentOf(template, f));
      const unread = set.filter((name) => !read.has(name) && !(name in READ_OUTSIDE_OUR_CODE));
      expect(unread).toEqual([]);
    },
  );

  it.each(functions.map((f) => [f.logicalId, f] as const))("%s: every required variable is set", (_, f) => {
    const { required } = variablesRead(entryPoint(f));
    const set = new Set(Object.keys(environmentOf(template, f)));
    // Lambda provides the region variables itself.
    const missing = [...required].filter((name) => !set.has(name) && !/^AWS_(DEFAULT_)?REGION$/.test(name));
    expect(missing).toEqual([]);
  });

  it("never sets a variable Lambda reserves", () => {
    for (const f of functions)
      for (const name of Object.keys(environmentOf(template, f)))
        expect(
          LAMBDA_RESERVED.some((pattern) => pattern.test(name)),
          `${f.logicalId} sets ${name}`,
        ).toBe(false);
  });

  it("finds what the ingest code reads through its imports", () => {
    const { read, required } = variablesRead(entryPoint(fn("IngestFunction")));
    for (const name of [
      "INTERNAL_TOPIC_ARN",
      "EKS_CLUSTER_NAME",
      "CLUSTER_LABEL",
      "ROUTES",
      "KUBE_TIMEOUT_MS",
    ])
      expect(read).toContain(name);
    expect(required).toContain("INTERNAL_TOPIC_ARN");
  });

  it("gives the ingest function a configuration its own reader accepts", () => {
    const env = resolveEnvironment(template, environmentOf(template, fn("IngestFunction")), {
      EksClusterName: "prod-eu-1",
      Routes: 'severity="critical" => pagerduty,slack; default => slack',
    });
    const config = readIngestConfig({ ...env, AWS_REGION: "eu-west-1" });
    expect(config).toMatchObject({
      internalTopicArn: "physical-id-of-InternalTopic",
      defaultClusterName: "prod-eu-1",
      clusterLabel: "cluster",
      region: "eu-west-1",
    });
    expect(routesFromEnv(env).rules[0]?.sinks).toEqual(["pagerduty", "slack"]);
    // The defaults: no cluster (no enrichment) and everything to Slack.
    const defaults = resolveEnvironment(template, environmentOf(template, fn("IngestFunction")), {});
    expect(readIngestConfig({ ...defaults, AWS_REGION: "eu-west-1" }).defaultClusterName).toBeNull();
    expect(routesFromEnv(defaults)).toEqual({ rules: [], defaultSinks: ["slack"] });
  });

  it("hands the notify functions a secret reference, never a value, and the idempotency table", () => {
    const cases = [
      {
        id: "NotifySlackFunction",
        spec: SLACK_WEBHOOK_URL_SECRET,
        parameter: "SlackWebhookSecret",
        arn: SLACK_SECRET_ARN,
      },
      {
        id: "NotifyPagerDutyFunction",
        spec: PAGERDUTY_ROUTING_KEY_SECRET,
        parameter: "PagerDutyRoutingKeySecret",
        arn: PAGERDUTY_SECRET_ARN,
      },
    ];
    for (const { id, spec, parameter, arn } of cases) {
      const envOf = (value: string) =>
        resolveEnvironment(template, environmentOf(template, fn(id)), { [parameter]: value });
      expect(readSecretSource(envOf(arn), spec)).toEqual({
        store: SecretStore.secretsManager,
        variable: spec.referenceVariable,
        reference: arn,
      });
      expect(readSecretSource(envOf("/linklocal-sentinel/secret"), spec)).toMatchObject({
        store: SecretStore.ssm,
        reference: "/linklocal-sentinel/secret",
      });
      expect(envOf(arn)[spec.plainVariable]).toBeUndefined();
      expect(readIdempotencyConfig(envOf(arn)).tableName).toBe("physical-id-of-IdempotencyTable");
    }
  });

  it("hands notify-slack the bot token's reference and the channel in Slack app mode, the webhook's otherwise", () => {
    const envOf = (parameters: Record<string, string>) =>
      resolveEnvironment(template, environmentOf(template, fn("NotifySlackFunction")), parameters);
    const app = envOf({ SlackBotTokenSecret: "/linklocal-sentinel/slack-bot", SlackChannel: "C0123ABCD" });
    expect(slackModeFromEnv(app)).toBe("app");
    expect(readSecretSource(app, SLACK_BOT_TOKEN_SECRET)).toMatchObject({
      store: SecretStore.ssm,
      reference: "/linklocal-sentinel/slack-bot",
    });
    expect(readSlackAppConfig(app)).toEqual({ channel: "C0123ABCD", apiUrl: "https://slack.com/api/" });
    expect(readIdempotencyConfig(app).tableName).toBe("physical-id-of-IdempotencyTable");
    const webhook = envOf({ SlackWebhookSecret: SLACK_SECRET_ARN });
    expect(slackModeFromEnv(webhook)).toBe("webhook");
    expect(webhook.SLACK_BOT_TOKEN_SECRET).toBeUndefined();
    expect(webhook.SLACK_CHANNEL).toBeUndefined();
  });

  it("points PagerDuty at the Events API v2 by default", () => {
    const env = resolveEnvironment(template, environmentOf(template, fn("NotifyPagerDutyFunction")), {});
    expect(env.PAGERDUTY_EVENTS_URL).toBe("https://events.pagerduty.com/v2/enqueue");
  });
});
