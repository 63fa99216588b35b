import { describe, expect, it } from "vitest";
import { targetOfScaleReport } from "../../shared/verify/follow-up-target.ts";
import { readVerifyConfig } from "../../shared/verify/verify-config.ts";
import { scaleReportFixture } from "../support/scale-fixtures.ts";

const base = {
  AMP_QUERY_URL: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/",
  INTERNAL_TOPIC_ARN: "arn:aws:sns:eu-west-1:111122223333:internal",
};

describe("readVerifyConfig", () => {
  it("reads the workspace, its region from the URL, and the defaults", () => {
    expect(readVerifyConfig(base)).toEqual({
      queryUrl: base.AMP_QUERY_URL,
      region: "eu-west-1",
      internalTopicArn: base.INTERNAL_TOPIC_ARN,
      followsScaleReports: false,
      maxReceives: 5,
      queryTimeoutMs: 10_000,
      clusterLabel: "cluster",
    });
    // The workspace's region signs its queries, whatever region the function runs in.
    expect(readVerifyConfig({ ...base, AWS_REGION: "us-east-1" }).region).toBe("eu-west-1");
    expect(readVerifyConfig({ ...base, CLUSTER_LABEL: "eks_cluster" }).clusterLabel).toBe("eks_cluster");
  });

  it.each([
    [{ AMP_QUERY_URL: undefined }, /AMP_QUERY_URL is required/],
    [{ AMP_QUERY_URL: "aps-workspaces/ws-1" }, /AMP_QUERY_URL must be a URL, got "aps-workspaces\/ws-1"/],
    [{ AMP_QUERY_URL: "http://aps.example.com/workspaces/ws-1/" }, /must be an https URL/],
    [{ AMP_QUERY_URL: "https://user:pw@aps.example.com/" }, /no credentials/],
    [{ AMP_QUERY_URL: "https://prometheus.internal/api/" }, /AWS_REGION is required/],
    [{ INTERNAL_TOPIC_ARN: "" }, /INTERNAL_TOPIC_ARN is required/],
    [
      { AMP_QUERY_URL: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/query" },
      /must be the workspace's endpoint \(\.\.\.\/workspaces\/<id>\/\), not an API URL; got a path ending in "\/api\/v1\/query"/,
    ],
    [{ CLUSTER_LABEL: "eks-cluster" }, /CLUSTER_LABEL must be a Prometheus label name, got "eks-cluster"/],
    [{ VERIFY_MAX_RECEIVES: "0" }, /VERIFY_MAX_RECEIVES must be >= 1/],
    [{ VERIFY_FOLLOWS_SCALE_REPORTS: "maybe" }, /VERIFY_FOLLOWS_SCALE_REPORTS must be true or false/],
  ])("refuses %j, naming what is wrong", (change, message) => {
    expect(() => readVerifyConfig({ ...base, ...change })).toThrow(message);
  });

  it("never echoes a password given in the URL", () => {
    expect(() => readVerifyConfig({ ...base, AMP_QUERY_URL: "https://u:hunter2@aps.example.com/" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });

  it("accepts plain http to a loopback address only (a local Prometheus, a test stand-in)", () => {
    expect(
      readVerifyConfig({ ...base, AWS_REGION: "eu-west-1", AMP_QUERY_URL: "http://127.0.0.1:9090/" })
        .queryUrl,
    ).toBe("http://127.0.0.1:9090/");
  });
});

describe("the follow-up of a scale report says what the scaler did", () => {
  it.each([
    [{ action: "scaled" as const, from: 2, to: 3 }, "after scaling CoreDNS from 2 to 3"],
    [
      { action: "would-scale" as const, mode: "dry-run" as const, from: 2, to: 3 },
      "CoreDNS not scaled (dry-run: it would have gone from 2 to 3)",
    ],
    [{ action: "refused" as const, guardrail: "cooldown" as const }, "CoreDNS not scaled (cooldown)"],
  ])("%j", (change, after) => {
    const target = targetOfScaleReport(scaleReportFixture(change));
    expect(target.after).toBe(after);
    expect(target.nodes).toEqual(["ip-10-10-0-9.ec2.internal"]);
    expect(target.firstFiringAt).toBe(Date.parse("2026-12-03T03:02:00.000Z") / 1000);
  });
});
