import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/errors.ts";
import { AssumeRoleError, assumedRoleCredentials } from "../../shared/fleet/assumed-role.ts";
import { clusterEntryFor, parseClusterMap } from "../../shared/fleet/cluster-map.ts";
import { readClusterMap } from "../../shared/fleet/read-cluster-map.ts";
import { splitByCluster } from "../../shared/fleet/split-by-cluster.ts";
import { alertGroup } from "../support/enrich-fixtures.ts";

const ROLE = "arn:aws:iam::111122223333:role/linklocal-sentinel-reader";

describe("CLUSTERS", () => {
  it("reads JSON and YAML alike, roles optional, the scaler's role defaulting to the reader's", async () => {
    const json = await parseClusterMap(
      JSON.stringify({
        "prod-eu": { eksClusterName: "prod-eu", region: "eu-west-1", roleArn: ROLE, scaleMode: "dry-run" },
        "prod-us": { eksClusterName: "prod-us-1", region: "us-east-1" },
      }),
      "CLUSTERS",
    );
    const yaml = await parseClusterMap(
      `prod-eu:\n  eksClusterName: prod-eu\n  region: eu-west-1\n  roleArn: ${ROLE}\n  scaleMode: dry-run\nprod-us:\n  eksClusterName: prod-us-1\n  region: us-east-1\n`,
      "CLUSTERS",
    );
    expect([...yaml.entries.values()]).toEqual([...json.entries.values()]);
    expect(json.entries.get("prod-eu")).toEqual({
      label: "prod-eu",
      eksClusterName: "prod-eu",
      region: "eu-west-1",
      roleArn: ROLE,
      scaleRoleArn: ROLE,
      scaleMode: "dry-run",
    });
    expect(json.entries.get("prod-us")?.roleArn).toBeNull();
    expect(json.unlabelled).toBeNull();
  });

  it.each([
    ['{"prod": {"region": "eu-west-1"}}', 'CLUSTERS entry "prod": eksClusterName is required'],
    ['{"prod": {"eksClusterName": "p", "region": "europe"}}', 'CLUSTERS entry "prod": region must be'],
    [
      '{"prod": {"eksClusterName": "p", "region": "eu-west-1", "roleArn": "linklocal-reader"}}',
      'CLUSTERS entry "prod": roleArn must be an IAM role ARN',
    ],
    [
      '{"prod": {"eksClusterName": "p", "region": "eu-west-1", "scaleMode": "yes"}}',
      'CLUSTERS entry "prod": scaleMode must be one of off, dry-run, on',
    ],
    ['{"prod": {"eksClusterName": "p", "region": "eu-west-1", "role": "x"}}', 'unknown key "role"'],
    ['{"prod": "eu-west-1"}', 'CLUSTERS entry "prod" must be an object'],
    ["{}", "CLUSTERS names no cluster"],
    ["[1, 2]", "CLUSTERS must be a map"],
  ])("stops at cold start on %s, naming the entry", async (text, message) => {
    await expect(parseClusterMap(text, "CLUSTERS")).rejects.toThrow(ConfigError);
    await expect(parseClusterMap(text, "CLUSTERS")).rejects.toThrow(message);
  });

  it("never echoes the text it could not parse", async () => {
    const secretish = '{"prod": {"eksClusterName": "p", "sessionToken": "AQoDYXdzEJr-not-json';
    const error = await parseClusterMap(secretish, "CLUSTERS").catch((e: Error) => e);
    expect(String(error)).toMatch(/neither a JSON object nor YAML/);
    expect(String(error)).not.toContain("AQoDYXdzEJr");
  });

  it("takes one source: CLUSTERS, CLUSTERS_PARAMETER or the EKS_CLUSTER_NAME shorthand", async () => {
    const single = await readClusterMap({ EKS_CLUSTER_NAME: "prod" }, { region: "eu-west-1" });
    expect(single?.unlabelled).toMatchObject({ eksClusterName: "prod", region: "eu-west-1", roleArn: null });
    expect(await readClusterMap({}, { region: "eu-west-1" })).toBeNull();
    await expect(
      readClusterMap({ EKS_CLUSTER_NAME: "prod", CLUSTERS: "{}" }, { region: "eu-west-1" }),
    ).rejects.toThrow("set one of CLUSTERS, EKS_CLUSTER_NAME, not several");
    const fromSsm = await readClusterMap(
      { CLUSTERS_PARAMETER: "/linklocal/clusters" },
      {
        region: "eu-west-1",
        providers: {
          secretsManager: () => Promise.reject(new Error("not used")),
          ssm: async () =>
            ({
              get: async (name: string) =>
                name === "/linklocal/clusters" ? "a:\n  eksClusterName: a\n  region: eu-west-1\n" : undefined,
            }) as never,
        },
      },
    );
    expect(fromSsm?.source).toBe("SSM parameter /linklocal/clusters");
    expect(fromSsm?.entries.get("a")?.region).toBe("eu-west-1");
  });

  it("says why a group's cluster cannot be reached: not in the map, or no label among several", async () => {
    const map = await parseClusterMap(
      '{"a": {"eksClusterName": "a", "region": "eu-west-1"}, "b": {"eksClusterName": "b", "region": "eu-west-1"}}',
      "CLUSTERS",
    );
    expect(clusterEntryFor(map, "staging")).toMatch(/cluster "staging" has no entry in CLUSTERS; add one/);
    expect(clusterEntryFor(map, null)).toMatch(/no cluster label and CLUSTERS names 2 clusters/);
    expect(clusterEntryFor(map, "b")).toMatchObject({ eksClusterName: "b" });
  });
});

describe("splitByCluster", () => {
  it("gives each cluster its own group, message id and common labels; alerts without the label form one more", () => {
    const group = alertGroup([
      { cluster: "b", node: "n1", severity: "critical" },
      { cluster: "a", node: "n2", severity: "critical" },
      { cluster: "b", node: "n3", severity: "warning" },
      { node: "n4" },
    ]);
    for (const alert of group.alerts.slice(3)) delete alert.labels.cluster;
    const shares = splitByCluster(group, "cluster");
    expect(shares.map((g) => [g.cluster, g.source.messageId, g.alerts.map((a) => a.labels.node)])).toEqual([
      ["a", "msg-1/a", ["n2"]],
      ["b", "msg-1/b", ["n1", "n3"]],
      [null, "msg-1/no-cluster", ["n4"]],
    ]);
    expect(shares.every((g) => g.source.splitFrom === "msg-1")).toBe(true);
    expect(shares[1]?.commonLabels).toMatchObject({ cluster: "b" });
    expect(shares[1]?.commonLabels.severity).toBeUndefined();
    expect(shares[0]?.warnings.at(-1)).toMatch(/named 2 clusters \(a, b, and alerts without one\)/);
  });

  it("returns a group of one cluster untouched", () => {
    const group = alertGroup([{ cluster: "a" }, { cluster: "a" }]);
    expect(splitByCluster(group, "cluster")).toEqual([group]);
  });

  it("a share whose alerts all resolved reads resolved", () => {
    const group = alertGroup([{ cluster: "a" }, { cluster: "b" }]);
    const resolved = group.alerts[0];
    if (resolved) resolved.status = "resolved";
    expect(splitByCluster(group, "cluster").map((g) => g.status)).toEqual(["resolved", "firing"]);
  });
});

describe("assumedRoleCredentials", () => {
  const sts = mockClient(STSClient);

  it("assumes once, reuses the credentials until 5 minutes before they expire, then renews", async () => {
    sts.reset();
    let clock = Date.parse("2026-12-06T10:00:00Z");
    let issued = 0;
    sts.on(AssumeRoleCommand).callsFake(async () => {
      issued += 1;
      return {
        Credentials: {
          AccessKeyId: `ASIA${issued}`,
          SecretAccessKey: "s",
          SessionToken: "t",
          Expiration: new Date(clock + 3_600_000),
        },
      };
    });
    const credentials = assumedRoleCredentials({
      roleArn: ROLE,
      region: "eu-west-1",
      sessionName: "test",
      now: () => clock,
    });
    const [first, concurrent] = await Promise.all([credentials(), credentials()]);
    expect([first.accessKeyId, concurrent.accessKeyId, issued]).toEqual(["ASIA1", "ASIA1", 1]);
    clock += 54 * 60_000;
    expect((await credentials()).accessKeyId).toBe("ASIA1");
    clock += 2 * 60_000;
    expect((await credentials()).accessKeyId).toBe("ASIA2");
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: ROLE,
      RoleSessionName: "test",
    });
  });

  it("names the role and the fix when the trust policy refuses, and never a credential", async () => {
    sts.reset();
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error("User: arn:... is not authorized"), { name: "AccessDenied" }));
    const credentials = assumedRoleCredentials({ roleArn: ROLE, region: "eu-west-1", sessionName: "t" });
    const error = await credentials().catch((e: Error) => e);
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect(String(error)).toContain(
      `not allowed to assume ${ROLE}: its trust policy must name this function's role`,
    );
  });
});
