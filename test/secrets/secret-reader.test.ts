import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../shared/errors.ts";
import {
  createSecretProviders,
  PAGERDUTY_ROUTING_KEY_SECRET,
  readSecretsMaxAge,
  SecretUnavailableError,
  SLACK_WEBHOOK_URL_SECRET,
  secretReaderFromEnv,
} from "../../shared/secrets/index.ts";

const WEBHOOK = "https://hooks.slack.com/services/T000/B000/topSECRETpath";
const ROUTING_KEY = "R0UTINGKEYsecret0123456789abcdef";

const secretsManager = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);

beforeEach(() => {
  secretsManager.reset();
  ssm.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("secretReaderFromEnv with Secrets Manager", () => {
  it("reads a JSON secret once and serves the cached value on the next call", async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: "sentinel/slack" })
      .resolves({ SecretString: JSON.stringify({ webhookUrl: WEBHOOK }) });
    const reader = secretReaderFromEnv({ SLACK_WEBHOOK_SECRET: "sentinel/slack" }, SLACK_WEBHOOK_URL_SECRET);
    expect(await reader.get()).toBe(WEBHOOK);
    expect(await reader.get()).toBe(WEBHOOK);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("reads it again once the max age has passed (rotation)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: WEBHOOK })
      .resolves({ SecretString: `${WEBHOOK}2` });
    const reader = secretReaderFromEnv(
      { SLACK_WEBHOOK_SECRET: "sentinel/slack", SECRETS_MAX_AGE_SECONDS: "60" },
      SLACK_WEBHOOK_URL_SECRET,
    );
    expect(await reader.get()).toBe(WEBHOOK);
    vi.advanceTimersByTime(30_000);
    expect(await reader.get()).toBe(WEBHOOK);
    vi.advanceTimersByTime(31_000);
    expect(await reader.get()).toBe(`${WEBHOOK}2`);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it("reads a binary secret", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new TextEncoder().encode(ROUTING_KEY) });
    const reader = secretReaderFromEnv({ PAGERDUTY_ROUTING_KEY_SECRET: "pd" }, PAGERDUTY_ROUTING_KEY_SECRET);
    expect(await reader.get()).toBe(ROUTING_KEY);
  });

  it("names the variable and the secret, not the value, when the store fails", async () => {
    const denied = Object.assign(
      new Error("User is not authorized to perform secretsmanager:GetSecretValue"),
      {
        name: "AccessDeniedException",
      },
    );
    secretsManager.on(GetSecretValueCommand).rejects(denied);
    const reader = secretReaderFromEnv({ SLACK_WEBHOOK_SECRET: "sentinel/slack" }, SLACK_WEBHOOK_URL_SECRET);
    const error = await reader.get().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe(
      "could not read the Slack webhook URL from SLACK_WEBHOOK_SECRET (Secrets Manager secret sentinel/slack): AccessDeniedException: User is not authorized to perform secretsmanager:GetSecretValue",
    );
  });

  it("does not cache a failure", async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error("throttled"))
      .resolves({ SecretString: WEBHOOK });
    const reader = secretReaderFromEnv({ SLACK_WEBHOOK_SECRET: "sentinel/slack" }, SLACK_WEBHOOK_URL_SECRET);
    await expect(reader.get()).rejects.toThrow(SecretUnavailableError);
    expect(await reader.get()).toBe(WEBHOOK);
  });
});

describe("secretReaderFromEnv with SSM", () => {
  it("asks for decryption and caches", async () => {
    ssm
      .on(GetParameterCommand, { Name: "/sentinel/pagerduty" })
      .resolves({ Parameter: { Name: "/sentinel/pagerduty", Type: "SecureString", Value: ROUTING_KEY } });
    const reader = secretReaderFromEnv(
      { PAGERDUTY_ROUTING_KEY_SECRET: "/sentinel/pagerduty" },
      PAGERDUTY_ROUTING_KEY_SECRET,
    );
    expect(await reader.get()).toBe(ROUTING_KEY);
    expect(await reader.get()).toBe(ROUTING_KEY);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ Name: "/sentinel/pagerduty", WithDecryption: true });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it("reads ssm:-prefixed names and a JSON value", async () => {
    ssm
      .on(GetParameterCommand, { Name: "sentinel-slack" })
      .resolves({ Parameter: { Value: `{"url":"${WEBHOOK}"}` } });
    const reader = secretReaderFromEnv(
      { SLACK_WEBHOOK_SECRET: "ssm:sentinel-slack" },
      SLACK_WEBHOOK_URL_SECRET,
    );
    expect(await reader.get()).toBe(WEBHOOK);
  });

  it("reads on every call when the max age is 0", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: ROUTING_KEY } });
    const reader = secretReaderFromEnv(
      { PAGERDUTY_ROUTING_KEY_SECRET: "/pd", SECRETS_MAX_AGE_SECONDS: "0" },
      PAGERDUTY_ROUTING_KEY_SECRET,
    );
    await reader.get();
    await reader.get();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("reports a missing parameter with its name", async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: "", $metadata: {} }));
    const reader = secretReaderFromEnv({ SLACK_WEBHOOK_SECRET: "/nope" }, SLACK_WEBHOOK_URL_SECRET);
    await expect(reader.get()).rejects.toThrow(
      /could not read the Slack webhook URL from SLACK_WEBHOOK_SECRET \(SSM parameter \/nope\): ParameterNotFound/,
    );
  });
});

describe("plain values and settings", () => {
  it("uses a plain value without any SDK call", async () => {
    const reader = secretReaderFromEnv({ SLACK_WEBHOOK_URL: WEBHOOK }, SLACK_WEBHOOK_URL_SECRET, {
      providers: createSecretProviders(),
    });
    expect(await reader.get()).toBe(WEBHOOK);
    expect(secretsManager.calls()).toHaveLength(0);
    expect(ssm.calls()).toHaveLength(0);
  });

  it("fails at construction when nothing is configured", () => {
    expect(() => secretReaderFromEnv({}, SLACK_WEBHOOK_URL_SECRET)).toThrow(ConfigError);
  });

  it("reads SECRETS_MAX_AGE_SECONDS with bounds", () => {
    expect(readSecretsMaxAge({})).toBe(300);
    expect(readSecretsMaxAge({ SECRETS_MAX_AGE_SECONDS: "30" })).toBe(30);
    expect(() => readSecretsMaxAge({ SECRETS_MAX_AGE_SECONDS: "-1" })).toThrow(
      /SECRETS_MAX_AGE_SECONDS must be >= 0/,
    );
    expect(() => readSecretsMaxAge({ SECRETS_MAX_AGE_SECONDS: "5m" })).toThrow(ConfigError);
  });
});

describe("secrets inside Lambda (AWS_LAMBDA_FUNCTION_NAME set)", () => {
  const lambda = { AWS_LAMBDA_FUNCTION_NAME: "linklocal-sentinel-notify-slack" };

  it("refuses a plain SLACK_WEBHOOK_URL or PAGERDUTY_ROUTING_KEY, naming the variable to use instead and no value", () => {
    for (const [env, spec, reference] of [
      [{ SLACK_WEBHOOK_URL: WEBHOOK }, SLACK_WEBHOOK_URL_SECRET, "SLACK_WEBHOOK_SECRET"],
      [{ PAGERDUTY_ROUTING_KEY: ROUTING_KEY }, PAGERDUTY_ROUTING_KEY_SECRET, "PAGERDUTY_ROUTING_KEY_SECRET"],
    ] as const) {
      const attempt = () => secretReaderFromEnv({ ...lambda, ...env }, spec);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(new RegExp(`${spec.plainVariable} is refused inside Lambda.*set ${reference}`));
      try {
        attempt();
      } catch (error) {
        expect(String(error)).not.toContain(WEBHOOK);
        expect(String(error)).not.toContain(ROUTING_KEY);
      }
    }
    // Outside Lambda (the CLI, local runs) the plain variables stay allowed.
    expect(() => secretReaderFromEnv({ SLACK_WEBHOOK_URL: WEBHOOK }, SLACK_WEBHOOK_URL_SECRET)).not.toThrow();
  });

  it("refuses a stored webhook URL that is plain http, without quoting it; https passes", async () => {
    const plainHttp = "http://hooks.example.internal/services/T0/B0/secretpath";
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: plainHttp })
      .resolves({ SecretString: WEBHOOK });
    const reader = secretReaderFromEnv(
      { ...lambda, SLACK_WEBHOOK_SECRET: "sentinel/slack", SECRETS_MAX_AGE_SECONDS: "0" },
      SLACK_WEBHOOK_URL_SECRET,
    );
    const refusal = await reader.get().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ConfigError);
    expect(String(refusal)).toContain(
      "SLACK_WEBHOOK_SECRET is not an https:// URL; inside Lambda it is refused",
    );
    expect(String(refusal)).not.toContain("secretpath");
    expect(await reader.get()).toBe(WEBHOOK);
  });
});
