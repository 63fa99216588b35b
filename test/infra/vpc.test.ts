import { describe, expect, it } from "vitest";
import { type JsonObject, loadTemplate, walk } from "../support/infra-template.ts";

/**
 * Private clusters: the ingest function in the cluster's VPC only when VpcSubnetIds is given. Both shapes live
 * in one template behind the UseVpc condition; these tests read each branch.
 */
const template = loadTemplate();
const resources = template.Resources;
const conditions = (template as unknown as { Conditions: JsonObject }).Conditions;

/** The [then, else] branches of an Fn::If on `condition`. */
function branches(value: unknown, condition: string): [unknown, unknown] {
  const fnIf = (value as JsonObject)["Fn::If"] as [string, unknown, unknown];
  expect(fnIf[0]).toBe(condition);
  return [fnIf[1], fnIf[2]];
}

describe("VPC attachment (private cluster endpoints)", () => {
  it("is decided by VpcSubnetIds alone: empty means no VPC", () => {
    expect(template.Parameters.VpcSubnetIds).toMatchObject({ Type: "CommaDelimitedList", Default: "" });
    expect(template.Parameters.VpcSecurityGroupIds).toMatchObject({
      Type: "CommaDelimitedList",
      Default: "",
    });
    expect(conditions.UseVpc).toEqual({
      "Fn::Not": [{ "Fn::Equals": [{ "Fn::Join": ["", { Ref: "VpcSubnetIds" }] }, ""] }],
    });
  });

  it("VPC shape: the ingest function gets the subnets and security groups; non-VPC shape: no VpcConfig", () => {
    const [inVpc, outside] = branches(resources.IngestFunction?.Properties.VpcConfig, "UseVpc");
    expect(inVpc).toEqual({
      SubnetIds: { Ref: "VpcSubnetIds" },
      SecurityGroupIds: { Ref: "VpcSecurityGroupIds" },
    });
    expect(outside).toEqual({ Ref: "AWS::NoValue" });
    // The notify functions talk to Slack, PagerDuty and AWS APIs only: they never need the VPC.
    for (const id of ["NotifySlackFunction", "NotifyPagerDutyFunction"])
      expect(resources[id]?.Properties.VpcConfig).toBeUndefined();
  });

  it("grants the network-interface actions Lambda needs only in the VPC shape", () => {
    const statements = [...walk(resources.IngestRole?.Properties.Policies ?? null)]
      .map(({ node }) => node)
      .filter((node) => node["Fn::If"] !== undefined && (node["Fn::If"] as unknown[])[0] === "UseVpc");
    expect(statements).toHaveLength(1);
    const [granted, otherwise] = branches(statements[0], "UseVpc") as [JsonObject, unknown];
    expect(granted.Action).toEqual(
      expect.arrayContaining([
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DeleteNetworkInterface",
      ]),
    );
    expect(otherwise).toEqual({ Ref: "AWS::NoValue" });
  });

  it("opens 443 into the cluster security group from the function's first group, when both are given", () => {
    const rule = resources.IngestIntoClusterRule;
    expect(rule?.Condition).toBe("AllowIntoCluster");
    expect(rule?.Properties).toMatchObject({
      GroupId: { Ref: "ClusterSecurityGroupId" },
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { "Fn::Select": [0, { Ref: "VpcSecurityGroupIds" }] },
    });
    expect(JSON.stringify(conditions.AllowIntoCluster)).toContain('"UseVpc"');
  });

  it("refuses subnets without security groups", () => {
    const rule = ((template as unknown as { Rules: JsonObject }).Rules.VpcNeedsSecurityGroups ??
      {}) as JsonObject;
    expect(JSON.stringify(rule.RuleCondition)).toContain("VpcSubnetIds");
    expect(JSON.stringify(rule.Assertions)).toContain("VpcSecurityGroupIds");
  });
});
