import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { coldStartBytes, coldStartOutputs, dynamicImportsOfCommonJs } from "../../scripts/build.ts";
import { linkLocalGroup, renderWebhookV4, snsLambdaEvent } from "../../sim/alertmanager-messages.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { type KubeApiSimulator, startKubeApiServer } from "../../sim/kube-api-server.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { type AwsJsonStandIn, startAwsJsonStandIn } from "../support/aws-json-stand-in.ts";
import { importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
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
  // A fleet member's role (CLUSTERS roleArn): STS loads on the first AssumeRole, never with one cluster.
  "@aws-sdk/client-sts/": [],
  // Slack app mode (Web API client, incident store): notify-slack imports it only with a bot token.
  "shared/deliver/slack-app/load.ts": [],
  "shared/deliver/slack-app/app-notifier.ts": [],
  "shared/deliver/slack-app/web-api.ts": [],
  // notify-pagerduty reads Slack's permalinks only with SLACK_INCIDENT_LINKS (Slack app mode).
  "shared/deliver/slack-app/permalink-reader.ts": [],
};

// Five builds: generous on a busy 2-core machine.
beforeAll(async () => {
  for (const id of functionIds) files[id] = await samBuild(id, build.path);
}, 300_000);
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

const load = (id: string, env: Record<string, string>) => importHandler(files[id] as string, env);

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
  /** Where each notifier's secret is kept, by store: a Secrets Manager ARN or an SSM parameter name. */
  const SECRETS = {
    "Secrets Manager": {
      slack: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf",
      pagerduty: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:pagerduty-AbCdEf",
    },
    SSM: { slack: "/ls/slack-webhook", pagerduty: "/ls/pagerduty-routing-key" },
  } as const;
  type Store = keyof typeof SECRETS;
  const ROUTING_KEYS: Record<Store, string> = {
    "Secrets Manager": "SECRETSMANAGERKEY0123456789abcde",
    SSM: "SSMROUTINGKEY0123456789abcdef012",
  };
  let slack: CountingWebhook;
  let pagerDuty: CountingWebhook;
  let secrets: AwsJsonStandIn;
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    slack = await startCountingWebhook();
    pagerDuty = await startCountingWebhook();
    const stored: Record<string, string> = {};
    for (const store of Object.keys(SECRETS) as Store[]) {
      stored[SECRETS[store].slack] = `${slack.url}/services/T0/B0/${store.replace(" ", "-")}`;
      stored[SECRETS[store].pagerduty] = ROUTING_KEYS[store];
    }
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
    await dynamo.createIdempotencyTable("lazy-idempotency");
  });
  afterAll(async () => {
    await Promise.all([slack.close(), pagerDuty.close(), secrets.close(), dynamo.close()]);
  });

  /** Per notifier: its secret variable, its other settings, and what reached its sink (one entry a delivery). */
  const notifiers = {
    NotifySlackFunction: {
      name: "notify-slack",
      secret: (store: Store) => ({ SLACK_WEBHOOK_SECRET: SECRETS[store].slack }),
      delivered: () => slack.delivered.map((p) => p.path.replace(/^.*\/services\//, "/services/")),
      expected: (store: Store) => `/services/T0/B0/${store.replace(" ", "-")}`,
    },
    NotifyPagerDutyFunction: {
      name: "notify-pagerduty",
      secret: (store: Store) => ({
        PAGERDUTY_ROUTING_KEY_SECRET: SECRETS[store].pagerduty,
        PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
      }),
      delivered: () => pagerDuty.delivered.map((p) => JSON.parse(p.body).routing_key as string),
      expected: (store: Store) => ROUTING_KEYS[store],
    },
  };

  it.each([
    ["NotifySlackFunction", "Secrets Manager", false],
    ["NotifySlackFunction", "SSM", true],
    ["NotifyPagerDutyFunction", "Secrets Manager", true],
    ["NotifyPagerDutyFunction", "SSM", false],
  ] as const)("%s: the secret from %s, IDEMPOTENCY_TABLE set: %s", async (id, store, withTable) => {
    const notifier = notifiers[id];
    const handler = await load(id, {
      ...notifier.secret(store),
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_SSM: secrets.url,
      ...(withTable
        ? { IDEMPOTENCY_TABLE: "lazy-idempotency", AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint }
        : {}),
    });
    const reads = secrets.requests.length;
    const before = notifier.delivered().length;
    // The same SNS message twice (a redelivery): with the table it is delivered once, without it twice.
    const event = internalTopicEvent([enrichedGroup()], [`redelivered-${id}-${store}`]);
    await handler(event, lambdaContext(notifier.name));
    await handler(event, lambdaContext(notifier.name));
    expect(secrets.requests.slice(reads).map((r) => r.target)).toEqual([
      store === "SSM" ? "AmazonSSM.GetParameter" : "secretsmanager.GetSecretValue",
    ]);
    expect(notifier.delivered().slice(before)).toEqual(
      Array(withTable ? 1 : 2).fill(notifier.expected(store)),
    );
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
