import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { coldStartBytes, coldStartOutputs, dynamicImportsOfCommonJs } from "../../scripts/build.ts";
import { linkLocalGroup, renderWebhookV4, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { type KubeApiSimulator, startKubeApiServer } from "../../sim/kube-api-server.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { type AwsJsonStandIn, startAwsJsonStandIn } from "../support/aws-json-stand-in.ts";
import { samBuild, samBuildDir } from "../support/bundles.ts";
import { testPki } from "../support/cluster-tls.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type EksStandIn, startEksStandIn } from "../support/eks-stand-in.ts";
import { loadTemplate, serverlessFunctions } from "../support/infra-template.ts";
import { startSnsStandIn } from "../support/real-alertmanager.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * What ships is the bundle, split: each function's entry loads only what every invocation needs, and each
 * lazy chunk (YAML, RE2, SSM, Secrets Manager, DynamoDB, EKS) is loaded and works when its path runs.
 * Built through the Makefile exactly as `sam build` builds them, every function of the template.
 */
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const build = samBuildDir();
const files: Record<string, string> = {};
const functionIds = serverlessFunctions(loadTemplate()).map((f) => f.logicalId);
/** Packages only some invocations need, and the functions that load them at cold start anyway. */
const LAZY: Record<string, string[]> = {
  "node_modules/yaml/": ["ScaleCorednsFunction"],
  "node_modules/re2js/": [],
  "@aws-sdk/client-ssm/": [],
  "@aws-sdk/client-secrets-manager/": [],
  "@aws-sdk/client-dynamodb/": [],
  "@aws-lambda-powertools/idempotency/": [],
  "@aws-sdk/client-eks/": [],
};

beforeAll(async () => {
  for (const id of functionIds) files[id] = await samBuild(id, build.path);
});
afterAll(() => {
  vi.unstubAllEnvs();
  build.remove();
});

const metafile = (id: string) =>
  JSON.parse(readFileSync(join(dirname(files[id] as string), "meta.json"), "utf8")) as Metafile;

/** Source files in the entry and the chunks it imports statically. */
function loadedAtColdStart(meta: Metafile): string[] {
  return coldStartOutputs(meta).flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
}

let loads = 0;
async function load(id: string, env: Record<string, string>): Promise<Handler> {
  vi.unstubAllEnvs();
  for (const [name, value] of Object.entries({
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    ...env,
  }))
    vi.stubEnv(name, value);
  loads += 1;
  return ((await import(`${pathToFileURL(files[id] as string).href}?load=${loads}`)) as { handler: Handler })
    .handler;
}

describe("what each bundle loads at cold start", () => {
  it("covers every function of the template", () => {
    expect(functionIds).toEqual(
      expect.arrayContaining(["IngestFunction", "NotifySlackFunction", "NotifyPagerDutyFunction"]),
    );
  });

  it.each(functionIds)(
    "%s: at most 600 KB, no lazy dependency, no browser-only module, no import() of CommonJS",
    (id) => {
      const meta = metafile(id);
      expect(coldStartBytes(meta)).toBeLessThanOrEqual(600_000);
      const loaded = loadedAtColdStart(meta);
      for (const [lazy, except] of Object.entries(LAZY)) {
        if (except.includes(id)) continue;
        expect(
          loaded.filter((file) => file.includes(lazy)),
          lazy,
        ).toEqual([]);
      }
      expect(Object.keys(meta.inputs).filter((file) => file.includes("node_modules/bowser/"))).toEqual([]);
      expect(dynamicImportsOfCommonJs(meta)).toEqual([]);
    },
  );
});

describe("every lazy path of the built bundles", () => {
  const SM_SLACK = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf";
  const SM_PAGERDUTY = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:pagerduty-AbCdEf";
  const SSM_SLACK = "/ls/slack-webhook";
  const SSM_PAGERDUTY = "/ls/pagerduty-routing-key";
  const ROUTING_KEY = "R0UTINGKEY0123456789abcdef012345";
  let slack: CountingWebhook;
  let pagerDuty: CountingWebhook;
  let secrets: AwsJsonStandIn;
  let dynamo: LocalDynamo;
  const table = (name: string) => ({ IDEMPOTENCY_TABLE: name, AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
  beforeAll(async () => {
    slack = await startCountingWebhook();
    pagerDuty = await startCountingWebhook();
    const stored: Record<string, string> = {
      [SM_SLACK]: `${slack.url}/services/T0/B0/from-secrets-manager`,
      [SM_PAGERDUTY]: ROUTING_KEY,
      [SSM_SLACK]: `${slack.url}/services/T0/B0/from-ssm`,
      [SSM_PAGERDUTY]: ROUTING_KEY,
    };
    secrets = await startAwsJsonStandIn({
      "secretsmanager.GetSecretValue": (body) => {
        const id = String((body as { SecretId?: string }).SecretId);
        return { ARN: id, Name: id, SecretString: stored[id] };
      },
      "AmazonSSM.GetParameter": (body) => {
        const name = String((body as { Name?: string }).Name);
        return { Parameter: { Name: name, Type: "SecureString", Value: stored[name], Version: 1 } };
      },
    });
    dynamo = await startDynalite();
    await dynamo.createIdempotencyTable("lazy-slack");
    await dynamo.createIdempotencyTable("lazy-pagerduty");
  });
  afterAll(async () => {
    await Promise.all([slack.close(), pagerDuty.close(), secrets.close(), dynamo.close()]);
  });

  const targets = () => secrets.requests.map((r) => r.target);
  const slackPaths = () => slack.delivered.map((p) => p.path.replace(/^.*\/services\//, "/services/"));

  it("notify-slack: the webhook from Secrets Manager, no table", async () => {
    const handler = await load("NotifySlackFunction", {
      SLACK_WEBHOOK_SECRET: SM_SLACK,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    });
    const before = slack.delivered.length;
    await handler(internalTopicEvent([enrichedGroup()]), lambdaContext("notify-slack"));
    expect(targets()).toContain("secretsmanager.GetSecretValue");
    expect(slackPaths().slice(before)).toEqual(["/services/T0/B0/from-secrets-manager"]);
  });

  it("notify-slack: the webhook from SSM, the idempotency table in DynamoDB, once per message", async () => {
    const handler = await load("NotifySlackFunction", {
      SLACK_WEBHOOK_SECRET: SSM_SLACK,
      AWS_ENDPOINT_URL_SSM: secrets.url,
      ...table("lazy-slack"),
    });
    const before = slack.delivered.length;
    const event = internalTopicEvent([enrichedGroup()]);
    await handler(event, lambdaContext("notify-slack"));
    await handler(event, lambdaContext("notify-slack"));
    expect(targets()).toContain("AmazonSSM.GetParameter");
    expect(slackPaths().slice(before)).toEqual(["/services/T0/B0/from-ssm"]);
  });

  it("notify-pagerduty: the routing key from Secrets Manager, no table", async () => {
    const handler = await load("NotifyPagerDutyFunction", {
      PAGERDUTY_ROUTING_KEY_SECRET: SM_PAGERDUTY,
      PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    });
    const before = pagerDuty.delivered.length;
    await handler(internalTopicEvent([enrichedGroup()]), lambdaContext("notify-pagerduty"));
    const sent = pagerDuty.delivered.slice(before);
    expect(targets()).toContain("secretsmanager.GetSecretValue");
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]?.body ?? "{}").routing_key).toBe(ROUTING_KEY);
  });

  it("notify-pagerduty: the routing key from SSM, the idempotency table in DynamoDB, once per message", async () => {
    const handler = await load("NotifyPagerDutyFunction", {
      PAGERDUTY_ROUTING_KEY_SECRET: SSM_PAGERDUTY,
      PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
      AWS_ENDPOINT_URL_SSM: secrets.url,
      ...table("lazy-pagerduty"),
    });
    const before = pagerDuty.delivered.length;
    const event = internalTopicEvent([enrichedGroup()]);
    await handler(event, lambdaContext("notify-pagerduty"));
    await handler(event, lambdaContext("notify-pagerduty"));
    const sent = pagerDuty.delivered.slice(before);
    expect(targets()).toContain("AmazonSSM.GetParameter");
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]?.body ?? "{}").routing_key).toBe(ROUTING_KEY);
  });

  describe("ingest through EKS: ROUTES with and without a regex, the add-on configured in YAML or JSON", () => {
    const cluster = generateCluster({ ...ScenarioPresets.addonReplicaCount, clusterName: "prod-eu" });
    let sim: KubeApiSimulator;
    let eks: EksStandIn;
    let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
    beforeAll(async () => {
      sim = await startKubeApiServer({
        cluster,
        tls: { cert: testPki.serverCert, key: testPki.serverKey },
        auth: { tokens: (token) => (token.startsWith("k8s-aws-v1.") ? "ingest" : undefined) },
      });
      eks = await startEksStandIn(cluster, sim.url, testPki.ca);
      sns = await startSnsStandIn();
    });
    afterAll(async () => {
      await Promise.all([sim.stop(), eks.close(), sns.close()]);
    });

    it.each([
      [
        "the RE2 engine and the YAML parser",
        'cluster=~"prod-(?i:EU)" => pagerduty, slack; default => slack',
        "# pinned by the platform team\nreplicaCount: 3\n",
      ],
      ["neither", 'cluster="prod-eu" => pagerduty, slack; default => slack', '{"replicaCount": 3}'],
    ])("routes and reads the add-on configuration with %s", async (_, routes, configurationValues) => {
      if (cluster.corednsAddon) cluster.corednsAddon.configurationValues = configurationValues;
      const handler = await load("IngestFunction", {
        INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
        EKS_CLUSTER_NAME: "prod-eu",
        ROUTES: routes,
        AWS_ENDPOINT_URL_SNS: sns.url,
        AWS_ENDPOINT_URL_EKS: eks.url,
      });
      const before = sns.publishes.length;
      const node = cluster.facts.corednsNodes[0] as string;
      const body = renderWebhookV4(linkLocalGroup({ count: 1, cluster: "prod-eu", extraLabels: { node } }));
      await handler(snsLambdaEvent([{ body }]));
      const published = sns.publishes.slice(before);
      expect(published).toHaveLength(1);
      expect(published[0]?.attributes.routes).toBe('["pagerduty","slack"]');
      const group = JSON.parse(published[0]?.message ?? "{}");
      expect(group.coredns.replicaController.detail).toContain("with replicaCount 3");
      expect(group.alerts[0].node.name).toBe(node);
    });
  });
});
