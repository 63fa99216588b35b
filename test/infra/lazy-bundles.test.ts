import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { coldStartBytes, coldStartOutputs } from "../../scripts/build.ts";
import { linkLocalGroup, renderWebhookV4, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { type KubeApiSimulator, startKubeApiServer } from "../../sim/kube-api-server.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { type AwsJsonStandIn, startAwsJsonStandIn } from "../support/aws-json-stand-in.ts";
import { importBuiltHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import { testPki } from "../support/cluster-tls.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type EksStandIn, startEksStandIn } from "../support/eks-stand-in.ts";
import { startSnsStandIn } from "../support/real-alertmanager.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * What ships is the bundle, split: each function's entry loads only what every invocation needs, and each
 * lazy chunk (YAML, RE2, SSM, Secrets Manager, DynamoDB, EKS) is loaded and works when its path runs.
 * Built through the Makefile exactly as `sam build` builds them.
 */
const build = samBuildDir();
const files: Record<string, string> = {};
const LAZY = [
  "node_modules/yaml/",
  "node_modules/re2js/",
  "@aws-sdk/client-ssm/",
  "@aws-sdk/client-secrets-manager/",
  "@aws-sdk/client-dynamodb/",
  "@aws-lambda-powertools/idempotency/",
  "@aws-sdk/client-eks/",
];

beforeAll(async () => {
  for (const id of ["IngestFunction", "NotifySlackFunction", "NotifyPagerDutyFunction"])
    files[id] = await samBuild(id, build.path);
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

const load = (id: string, env: Record<string, string>) => importBuiltHandler(files[id] as string, env);

describe("what each bundle loads at cold start", () => {
  it.each(["IngestFunction", "NotifySlackFunction", "NotifyPagerDutyFunction"])(
    "%s: at most 600 KB, no lazy dependency, no browser-only module",
    (id) => {
      const meta = metafile(id);
      expect(coldStartBytes(meta)).toBeLessThanOrEqual(600_000);
      const loaded = loadedAtColdStart(meta);
      for (const lazy of LAZY)
        expect(
          loaded.filter((file) => file.includes(lazy)),
          lazy,
        ).toEqual([]);
      expect(Object.keys(meta.inputs).filter((file) => file.includes("node_modules/bowser/"))).toEqual([]);
    },
  );
});

describe("every lazy path of the built bundles", () => {
  let slack: CountingWebhook;
  let pagerDuty: CountingWebhook;
  let secrets: AwsJsonStandIn;
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    slack = await startCountingWebhook();
    pagerDuty = await startCountingWebhook();
    secrets = await startAwsJsonStandIn({
      "secretsmanager.GetSecretValue": { Name: "slack", SecretString: `${slack.url}/services/T0/B0/lazy` },
      "AmazonSSM.GetParameter": {
        Parameter: {
          Name: "/ls/pd",
          Type: "SecureString",
          Value: "R0UTINGKEY0123456789abcdef012345",
          Version: 1,
        },
      },
    });
    dynamo = await startDynalite();
    await dynamo.createIdempotencyTable("lazy-idempotency");
  });
  afterAll(async () => {
    await Promise.all([slack.close(), pagerDuty.close(), secrets.close(), dynamo.close()]);
  });

  it("notify-slack: the webhook from Secrets Manager, no table", async () => {
    const handler = await load("NotifySlackFunction", {
      SLACK_WEBHOOK_SECRET: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    });
    await handler(internalTopicEvent([enrichedGroup()]), lambdaContext("notify-slack"));
    expect(secrets.requests.map((r) => r.target)).toContain("secretsmanager.GetSecretValue");
    expect(slack.delivered.map((p) => p.path.replace(/^.*\/services\//, "/services/"))).toEqual([
      "/services/T0/B0/lazy",
    ]);
  });

  it("notify-pagerduty: the routing key from SSM, the idempotency table in DynamoDB, once per message", async () => {
    const handler = await load("NotifyPagerDutyFunction", {
      PAGERDUTY_ROUTING_KEY_SECRET: "/ls/pd",
      PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
      IDEMPOTENCY_TABLE: "lazy-idempotency",
      AWS_ENDPOINT_URL_SSM: secrets.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    });
    const event = internalTopicEvent([enrichedGroup()]);
    await handler(event, lambdaContext("notify-pagerduty"));
    await handler(event, lambdaContext("notify-pagerduty"));
    expect(secrets.requests.map((r) => r.target)).toContain("AmazonSSM.GetParameter");
    expect(pagerDuty.delivered).toHaveLength(1);
    expect(JSON.parse(pagerDuty.delivered[0]?.body ?? "{}").routing_key).toBe(
      "R0UTINGKEY0123456789abcdef012345",
    );
  });

  describe("ingest: regex ROUTES (RE2) and an add-on configured in YAML, through EKS", () => {
    const cluster = generateCluster({ ...ScenarioPresets.addonReplicaCount, clusterName: "prod-eu" });
    let sim: KubeApiSimulator;
    let eks: EksStandIn;
    let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
    beforeAll(async () => {
      if (cluster.corednsAddon)
        cluster.corednsAddon.configurationValues = "# pinned by the platform team\nreplicaCount: 3\n";
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

    it("routes with the RE2 engine and reads the YAML add-on configuration", async () => {
      const handler = await load("IngestFunction", {
        INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
        EKS_CLUSTER_NAME: "prod-eu",
        ROUTES: 'cluster=~"prod-(?i:EU)" => pagerduty, slack; default => slack',
        AWS_ENDPOINT_URL_SNS: sns.url,
        AWS_ENDPOINT_URL_EKS: eks.url,
      });
      const node = cluster.facts.corednsNodes[0] as string;
      const body = renderWebhookV4(linkLocalGroup({ count: 1, cluster: "prod-eu", extraLabels: { node } }));
      await handler(snsLambdaEvent([{ body }]));
      expect(sns.publishes).toHaveLength(1);
      expect(sns.publishes[0]?.attributes.routes).toBe('["pagerduty","slack"]');
      const group = JSON.parse(sns.publishes[0]?.message ?? "{}");
      expect(group.coredns.replicaController.detail).toContain("with replicaCount 3");
      expect(group.alerts[0].node.name).toBe(node);
    });
  });
});
