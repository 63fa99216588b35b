import { describe, expect, it } from "vitest";
import { loadTemplate, loadYamlDocuments } from "../support/infra-template.ts";

/**
 * infra/member-account.yaml: what a member account lets the central stack do. Its roles trust exactly the
 * central roles, carry the names the central stack may assume, and its access entries map them to the groups
 * infra/rbac.yaml grants.
 */
const member = loadTemplate("infra/member-account.yaml");
const central = loadTemplate();
type Json = Record<string, unknown>;

function trustedPrincipals(role: string): unknown[] {
  const document = member.Resources[role]?.Properties.AssumeRolePolicyDocument as { Statement: Json[] };
  return document.Statement.map((statement) => {
    expect(statement).toMatchObject({ Effect: "Allow", Action: "sts:AssumeRole" });
    return (statement.Principal as Json).AWS;
  });
}

describe("infra/member-account.yaml", () => {
  it("lets only the central ingest role assume the reader, and only the central scaler the scaler", () => {
    expect(trustedPrincipals("ReaderRole")).toEqual([{ Ref: "PipelineIngestRoleArn" }]);
    expect(trustedPrincipals("ScalerRole")).toEqual([{ Ref: "PipelineScalerRoleArn" }]);
    expect(member.Resources.ScalerRole?.Condition).toBe("CreateScalerRole");
  });

  it("names its roles as the central stack may assume them, by default", () => {
    expect(member.Parameters.ReaderRoleName?.Default).toBe(central.Parameters.MemberReaderRoleName?.Default);
    expect(member.Parameters.ScalerRoleName?.Default).toBe(central.Parameters.MemberScalerRoleName?.Default);
  });

  it("gives the reader no write, and the scaler writes to the coredns add-on only with ScalerWrites", () => {
    const statements = (role: string) =>
      (
        (member.Resources[role]?.Properties.Policies as { PolicyDocument: { Statement: Json[] } }[]) ?? []
      ).flatMap((policy) => policy.PolicyDocument.Statement);
    const actions = (statement: Json) => [statement.Action].flat() as string[];
    expect(statements("ReaderRole").flatMap(actions).sort()).toEqual([
      "eks:DescribeAddon",
      "eks:DescribeCluster",
    ]);
    const [reads, writes] = statements("ScalerRole");
    expect(actions(reads ?? {}).sort()).toEqual(["eks:DescribeAddon", "eks:DescribeCluster"]);
    const [condition, granted, otherwise] = (writes?.["Fn::If"] as [string, Json, Json]) ?? [];
    expect([condition, actions(granted ?? {}), otherwise]).toEqual([
      "ScalerWrites",
      ["eks:UpdateAddon", "eks:DescribeUpdate"],
      { Ref: "AWS::NoValue" },
    ]);
    expect(member.Parameters.ScalerWrites?.Default).toBe("false");
  });

  it("maps the roles to the Kubernetes groups infra/rbac.yaml binds", () => {
    const rbacGroups = new Set(
      loadYamlDocuments("infra/rbac.yaml").flatMap((doc) =>
        ((doc.subjects as Json[] | undefined) ?? []).filter((s) => s.kind === "Group").map((s) => s.name),
      ),
    );
    const scalerGroups = member.Resources.ScalerAccessEntry?.Properties.KubernetesGroups as {
      "Fn::If": unknown[];
    };
    expect(scalerGroups["Fn::If"]).toEqual([
      "ScalerWrites",
      ["linklocal-sentinel-readers", "linklocal-sentinel-scalers"],
      ["linklocal-sentinel-readers"],
    ]);
    for (const [entry, groups] of [
      ["ReaderAccessEntry", ["linklocal-sentinel-readers"]],
      ["ScalerAccessEntry", ["linklocal-sentinel-readers", "linklocal-sentinel-scalers"]],
    ] as const) {
      const properties = member.Resources[entry]?.Properties;
      if (entry === "ReaderAccessEntry") expect(properties?.KubernetesGroups).toEqual(groups);
      for (const group of groups) expect(rbacGroups.has(group), group).toBe(true);
      expect(properties?.AccessPolicies).toBeUndefined();
    }
  });
});
