import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Deployment } from "../../shared/cluster/kube-objects.ts";
import type { ScaleReport } from "../../shared/model/index.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { coreDnsControllers } from "../../sim/controllers.ts";
import { type KubeApiSimulator, startKubeApiServer } from "../../sim/kube-api-server.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import { testPki } from "../support/cluster-tls.ts";
import { type FleetStandIn, roleKey, startFleetStandIn } from "../support/fleet-stand-in.ts";
import { rbacAuthorizer } from "../support/rbac.ts";
import { startSnsStandIn } from "../support/real-alertmanager.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";

/**
 * The shipped scale-coredns bundle for a fleet: it writes to a member account's cluster only through that
 * account's scaler role (STS in the function's region, EKS and the Kubernetes API in the cluster's), and a
 * cluster's own `scaleMode` in CLUSTERS overrides the function's mode.
 */
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

const FUNCTION_KEY = "AKIASCALERFUNCTION01";
const SCALER_ROLE = "arn:aws:iam::222233334444:role/llsentinel-scaler";
const READER_ROLE = "arn:aws:iam::222233334444:role/llsentinel-reader";
const build = samBuildDir();
const eu = generateCluster({
  ...ScenarioPresets.colocatedOnSpot,
  clusterName: "prod-eu",
  region: "eu-west-1",
});
const us = generateCluster({ ...ScenarioPresets.colocatedOnSpot, clusterName: "prod-us", seed: 9 });
let sims: KubeApiSimulator[];
let standIn: FleetStandIn;
let sns: Awaited<ReturnType<typeof startSnsStandIn>>;
let bundle: string;

beforeAll(async () => {
  const scalerOf = (accessKeyId: string) => `arn:aws:sts::identity/${accessKeyId}`;
  const members = [
    { cluster: eu, region: "eu-west-1", accessKeyId: roleKey(SCALER_ROLE) },
    { cluster: us, region: "us-east-1", accessKeyId: FUNCTION_KEY },
  ];
  sims = await Promise.all(
    members.map(({ cluster, accessKeyId }) =>
      startKubeApiServer({
        cluster,
        tls: { cert: testPki.serverCert, key: testPki.serverKey },
        auth: { tokens: (token) => standIn.tokenIdentity(accessKeyId)(token) },
        // Only the scaler identity of this cluster's account gets the scaler's groups (infra/rbac.yaml).
        authorize: rbacAuthorizer({
          [scalerOf(accessKeyId)]: ["linklocal-sentinel-readers", "linklocal-sentinel-scalers"],
        }),
        afterWrite: coreDnsControllers,
      }),
    ),
  );
  standIn = await startFleetStandIn(
    members.map((m, i) => ({ ...m, apiServer: sims[i]?.url ?? "", caPem: testPki.ca })),
  );
  sns = await startSnsStandIn();
  bundle = await samBuild("ScaleCorednsFunction", build.path);
}, 300_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all(sims.map((sim) => sim.stop()));
  await standIn.close();
  await sns.close();
  build.remove();
});

function load(): Promise<Handler> {
  return importHandler(bundle, {
    INTERNAL_TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:internal",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: FUNCTION_KEY,
    AWS_SECRET_ACCESS_KEY: "function-secret-not-real",
    CLUSTERS: JSON.stringify({
      "prod-eu": {
        eksClusterName: "prod-eu",
        region: "eu-west-1",
        roleArn: READER_ROLE,
        scaleRoleArn: SCALER_ROLE,
      },
      "prod-us": { eksClusterName: "prod-us", region: "us-east-1", scaleMode: "dry-run" },
    }),
    AWS_ENDPOINT_URL_SNS: sns.url,
    AWS_ENDPOINT_URL_STS: standIn.url,
    AWS_ENDPOINT_URL_EKS: standIn.url,
    COREDNS_SCALE_MODE: "on",
    COREDNS_READY_WAIT_SECONDS: "5",
  });
}

const group = (cluster: string) =>
  enrichedGroup({
    cluster,
    routes: ["slack", "coredns-scale"],
    source: {
      messageId: `amp-1/${cluster}`,
      splitFrom: "amp-1",
      topicArn: null,
      subject: null,
      timestamp: null,
      format: "webhook-json",
    },
    diagnosis: [{ code: "COREDNS_COLOCATED", reason: "two replicas on one node", fix: "", nodes: [] }],
  });
const replicas = (cluster: typeof eu) =>
  (cluster.deployments.find((d) => d.metadata.name === "coredns") as Deployment).spec?.replicas;

describe("the scale-coredns bundle for a fleet", () => {
  it("scales a member account's cluster through its scaler role, and dry-runs the cluster whose scaleMode says so", async () => {
    const handler = await load();
    const reports = (await handler(
      internalTopicEvent([group("prod-eu"), group("prod-us")]),
      lambdaContext("scale-coredns"),
    )) as ScaleReport[];
    expect(reports.map((r) => [r.cluster, r.mode, r.action, r.from, r.to])).toEqual([
      ["prod-eu", "on", "scaled", 2, 3],
      ["prod-us", "dry-run", "would-scale", 2, 3],
    ]);
    expect([replicas(eu), replicas(us)]).toEqual([3, 2]);
    expect(standIn.calls.filter((c) => c.service === "sts")).toEqual([
      { service: "sts", region: "us-east-1", accessKeyId: FUNCTION_KEY, target: SCALER_ROLE },
    ]);
    for (const call of standIn.calls.filter((c) => c.service === "eks")) {
      const expected = call.target.startsWith("/clusters/prod-eu")
        ? ["eu-west-1", roleKey(SCALER_ROLE)]
        : ["us-east-1", FUNCTION_KEY];
      expect([call.region, call.accessKeyId], call.target).toEqual(expected);
    }
    expect(sims[1]?.requests.some((r) => r.method === "PATCH")).toBe(false);
    expect(sns.publishes.map((p) => p.attributes.cluster)).toEqual(["prod-eu", "prod-us"]);
  });
});
