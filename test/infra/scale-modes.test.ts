import { describe, expect, it } from "vitest";
import { type JsonObject, loadTemplate, resourcesFor, walk } from "../support/infra-template.ts";

const template = loadTemplate();

/** The stack's resources for a cluster and a scale mode, every Fn::If resolved as CloudFormation would. */
const stackFor = (mode: string) =>
  resourcesFor(template, {
    EksClusterName: "prod",
    CorednsScaleMode: mode,
    SlackWebhookSecret: "/linklocal/slack",
    AmpWorkspaceArn: "arn:aws:aps:eu-west-1:111122223333:workspace/ws-1",
  });

const SCALER_RESOURCES = [
  "ScaleCorednsFunction",
  "ScaleCorednsRole",
  "ScaleCorednsAccessEntry",
  "ScaleCorednsFailureQueue",
  "ScaleCorednsLogGroup",
];

function actionsOf(resources: ReturnType<typeof stackFor>, roleId: string): string[] {
  const role = resources[roleId];
  if (!role) return [];
  return [...walk(role.Properties.Policies ?? null)]
    .filter(({ node }) => node.Effect === "Allow" && node.Action !== undefined)
    .flatMap(({ node }) => (Array.isArray(node.Action) ? node.Action : [node.Action]).map(String));
}

/** Every IAM action any role of the stack is allowed. */
const allActions = (resources: ReturnType<typeof stackFor>) =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === "AWS::IAM::Role")
    .flatMap(([id]) => actionsOf(resources, id));

const kubernetesGroups = (resources: ReturnType<typeof stackFor>) =>
  Object.values(resources)
    .filter((r) => r.Type === "AWS::EKS::AccessEntry")
    .flatMap((r) => r.Properties.KubernetesGroups as string[]);

describe("infra/template.yaml by CorednsScaleMode", () => {
  it("off: no scaler at all, no write right anywhere", () => {
    const stack = stackFor("off");
    for (const id of SCALER_RESOURCES) expect(stack[id], id).toBeUndefined();
    expect(allActions(stack)).not.toContain("eks:UpdateAddon");
    expect(kubernetesGroups(stack)).not.toContain("linklocal-sentinel-scalers");
    // The ingest still enriches: its access entry and reads.
    expect(stack.IngestAccessEntry?.Properties.KubernetesGroups).toEqual(["linklocal-sentinel-readers"]);
  });

  it("dry-run: the scaler runs with read-only rights (readers group, DescribeAddon, no UpdateAddon)", () => {
    const stack = stackFor("dry-run");
    for (const id of SCALER_RESOURCES) expect(stack[id], id).toBeDefined();
    expect(stack.ScaleCorednsAccessEntry?.Properties.KubernetesGroups).toEqual([
      "linklocal-sentinel-readers",
    ]);
    const actions = actionsOf(stack, "ScaleCorednsRole");
    expect(actions).toContain("eks:DescribeAddon");
    expect(actions).not.toContain("eks:UpdateAddon");
    expect(actions).not.toContain("eks:DescribeUpdate");
    expect(allActions(stack)).not.toContain("eks:UpdateAddon");
    expect(kubernetesGroups(stack)).not.toContain("linklocal-sentinel-scalers");
    const fn = stack.ScaleCorednsFunction as { Properties: JsonObject };
    const env = (fn.Properties.Environment as JsonObject).Variables as JsonObject;
    expect(env.COREDNS_SCALE_MODE).toEqual({ Ref: "CorednsScaleMode" });
  });

  it("on: the scalers group and UpdateAddon on the coredns add-on alone, for the scaler's role only", () => {
    const stack = stackFor("on");
    for (const id of SCALER_RESOURCES) expect(stack[id], id).toBeDefined();
    expect(stack.ScaleCorednsAccessEntry?.Properties.KubernetesGroups).toEqual([
      "linklocal-sentinel-readers",
      "linklocal-sentinel-scalers",
    ]);
    const update = [...walk(stack.ScaleCorednsRole?.Properties.Policies ?? null)].find(
      ({ node }) => node.Sid === "UpdateCorednsAddon",
    )?.node;
    expect(update?.Action).toEqual(["eks:UpdateAddon", "eks:DescribeUpdate"]);
    expect(JSON.stringify(update?.Resource)).toContain(":addon/$" + "{EksClusterName}/coredns/*");
    const others = Object.entries(stack).filter(
      ([id, r]) => r.Type === "AWS::IAM::Role" && id !== "ScaleCorednsRole",
    );
    for (const [id] of others) expect(actionsOf(stack, id), id).not.toContain("eks:UpdateAddon");
    expect(stack.IngestAccessEntry?.Properties.KubernetesGroups).toEqual(["linklocal-sentinel-readers"]);
  });

  it("without a cluster there is no scaler in any mode", () => {
    for (const mode of ["off", "dry-run", "on"]) {
      const stack = resourcesFor(template, { EksClusterName: "", CorednsScaleMode: mode });
      for (const id of SCALER_RESOURCES) expect(stack[id], `${mode} ${id}`).toBeUndefined();
      expect(stack.IngestAccessEntry).toBeUndefined();
    }
  });
});
