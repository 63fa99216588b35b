import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Deployment } from "../../shared/cluster/kube-objects.ts";
import type { ScaleReport } from "../../shared/model/index.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { coreDnsControllers } from "../../sim/controllers.ts";
import { type KubeApiSimulator, startKubeApiServer } from "../../sim/kube-api-server.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import { testPki } from "../support/cluster-tls.ts";
import { type EksStandIn, startEksStandIn } from "../support/eks-stand-in.ts";
import { rbacAuthorizer } from "../support/rbac.ts";
import { startSnsStandIn } from "../support/real-alertmanager.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";

/**
 * The shipped scale-coredns bundle, end to end on loopback: an internal-topic event in, EKS (DescribeCluster,
 * DescribeAddon) and the Kubernetes API (HTTPS, an IAM token, exactly infra/rbac.yaml's rights) for the
 * decision and the write, the report out to SNS.
 */
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

const build = samBuildDir();
const cluster = generateCluster({ ...ScenarioPresets.colocatedOnSpot, clusterName: "prod-eu" });
let sim: KubeApiSimulator;
let eks: EksStandIn;
let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
let bundle: string;

beforeAll(async () => {
  sim = await startKubeApiServer({
    cluster,
    tls: { cert: testPki.serverCert, key: testPki.serverKey },
    // An EKS token is accepted as the scaler's identity; its groups are the access entry's.
    auth: { tokens: (token) => (token.startsWith("k8s-aws-v1.") ? "linklocal-sentinel-scaler" : undefined) },
    authorize: rbacAuthorizer({
      "linklocal-sentinel-scaler": ["linklocal-sentinel-readers", "linklocal-sentinel-scalers"],
    }),
    afterWrite: coreDnsControllers,
  });
  eks = await startEksStandIn(cluster, sim.url, testPki.ca);
  sns = await startSnsStandIn();
  bundle = await samBuild("ScaleCorednsFunction", build.path);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sim.stop();
  await eks.close();
  await sns.close();
  build.remove();
});

function load(env: Record<string, string>): Promise<Handler> {
  return importHandler(bundle, {
    INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
    EKS_CLUSTER_NAME: "prod-eu",
    AWS_ENDPOINT_URL_SNS: sns.url,
    AWS_ENDPOINT_URL_EKS: eks.url,
    COREDNS_READY_WAIT_SECONDS: "5",
    ...env,
  });
}

const group = () =>
  enrichedGroup({
    cluster: "prod-eu",
    routes: ["slack", "pagerduty", "coredns-scale"],
    diagnosis: [{ code: "COREDNS_COLOCATED", reason: "two replicas on one node", fix: "", nodes: [] }],
  });
const coredns = () => cluster.deployments.find((d) => d.metadata.name === "coredns") as Deployment;

describe("the scale-coredns bundle", () => {
  it("with COREDNS_SCALE_MODE unset (off) reads nothing, writes nothing, publishes nothing", async () => {
    const handler = await load({});
    expect(await handler(internalTopicEvent([group()]), lambdaContext("scale-coredns"))).toEqual([]);
    expect(sim.requests).toEqual([]);
    expect(eks.requests).toEqual([]);
    expect(sns.publishes).toEqual([]);
  });

  it("with COREDNS_SCALE_MODE=on scales through EKS credentials and publishes the report to Slack and PagerDuty", async () => {
    const handler = await load({ COREDNS_SCALE_MODE: "on" });
    const [returned] = (await handler(
      internalTopicEvent([group()]),
      lambdaContext("scale-coredns"),
    )) as ScaleReport[];
    expect(returned).toMatchObject({ action: "scaled", owner: "deployment", from: 2, to: 3 });
    expect(coredns().spec?.replicas).toBe(3);
    // DescribeCluster once (endpoint, CA and Auto Mode's computeConfig from the same answer), DescribeAddon once.
    expect(eks.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      "GET /clusters/prod-eu",
      "GET /clusters/prod-eu/addons/coredns",
    ]);
    expect(sim.requests.every((r) => r.statusCode === 200)).toBe(true);
    expect(sns.publishes).toHaveLength(1);
    const [publish] = sns.publishes;
    expect(publish?.attributes).toMatchObject({
      routes: '["slack","pagerduty"]',
      kind: "scale-report",
      action: "scaled",
      cluster: "prod-eu",
    });
    const report = JSON.parse(publish?.message ?? "{}") as ScaleReport;
    expect(report).toMatchObject({
      kind: "scale-report",
      schemaVersion: 1,
      from: 2,
      to: 3,
      messageId: group().source.messageId,
    });
    expect(report.landed).toHaveLength(1);
  });
});
