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

  it("gives the reader no write and the scaler writes to the coredns add-on only", () => {
    const actions = (role: string) =>
      (
        (member.Resources[role]?.Properties.Policies as { PolicyDocument: { Statement: Json[] } }[]) ?? []
      ).flatMap((policy) => policy.PolicyDocument.Statement.flatMap((s) => [s.Action].flat() as string[]));
    expect(actions("ReaderRole").sort()).toEqual(["eks:DescribeAddon", "eks:DescribeCluster"]);
    expect(actions("ScalerRole").filter((a) => !a.startsWith("eks:Describe"))).toEqual(["eks:UpdateAddon"]);
  });

  it("maps the roles to the Kubernetes groups infra/rbac.yaml binds", () => {
    const rbacGroups = new Set(
      loadYamlDocuments("infra/rbac.yaml").flatMap((doc) =>
        ((doc.subjects as Json[] | undefined) ?? []).filter((s) => s.kind === "Group").map((s) => s.name),
      ),
    );
    for (const [entry, groups] of [
      ["ReaderAccessEntry", ["linklocal-sentinel-readers"]],
      ["ScalerAccessEntry", ["linklocal-sentinel-readers", "linklocal-sentinel-scalers"]],
    ] as const) {
      const properties = member.Resources[entry]?.Properties;
      expect(properties?.KubernetesGroups).toEqual(groups);
      for (const group of groups) expect(rbacGroups.has(group), group).toBe(true);
      expect(properties?.AccessPolicies).toBeUndefined();
    }
  });
});
