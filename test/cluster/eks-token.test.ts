import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createEksToken,
  decodeEksToken,
  EksTokenCache,
  EksTokenLimits,
} from "../../shared/cluster/eks-token.ts";
import { KubeCredentialsError } from "../../shared/cluster/errors.ts";

const credentials = async () => ({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token-example",
});
const fixedNow = Date.parse("2026-11-23T09:00:00Z");

describe("createEksToken", () => {
  it("is k8s-aws-v1. + unpadded base64url of a presigned STS GetCallerIdentity URL", async () => {
    const { token, expiresAt } = await createEksToken({
      clusterName: "prod-eks",
      region: "eu-west-1",
      credentials,
      now: () => fixedNow,
    });
    expect(token.startsWith("k8s-aws-v1.")).toBe(true);
    expect(token.slice("k8s-aws-v1.".length)).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = decodeEksToken(token);
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe("sts.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/");
    const query = url.searchParams;
    expect(query.get("Action")).toBe("GetCallerIdentity");
    expect(query.get("Version")).toBe("2011-06-15");
    expect(query.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(query.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20261123/eu-west-1/sts/aws4_request");
    expect(query.get("X-Amz-Date")).toBe("20261123T090000Z");
    expect(query.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["host", "x-k8s-aws-id"]);
    expect(Number(query.get("X-Amz-Expires"))).toBe(60);
    expect(Number(query.get("X-Amz-Expires"))).toBeLessThanOrEqual(900);
    expect(query.get("X-Amz-Security-Token")).toBe("session-token-example");
    expect(query.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresAt.toISOString()).toBe("2026-11-23T09:15:00.000Z");
  });

  it("signs the cluster name: another cluster gives another signature", async () => {
    const sign = (clusterName: string) =>
      createEksToken({ clusterName, region: "us-east-1", credentials, now: () => fixedNow }).then((t) =>
        decodeEksToken(t.token).searchParams.get("X-Amz-Signature"),
      );
    expect(await sign("a")).not.toBe(await sign("b"));
    expect(await sign("a")).toBe(await sign("a"));
  });

  it("refuses an expiry above STS's 900 s limit", async () => {
    await expect(
      createEksToken({ clusterName: "c", region: "us-east-1", credentials, expiresInSeconds: 901 }),
    ).rejects.toThrow(/1\.\.900 seconds/);
  });

  it("uses the China STS domain in cn- regions", async () => {
    const { token } = await createEksToken({ clusterName: "c", region: "cn-north-1", credentials });
    expect(decodeEksToken(token).host).toBe("sts.cn-north-1.amazonaws.com.cn");
  });

  it("reports missing AWS credentials as KubeCredentialsError without leaking anything", async () => {
    const failing = async (): Promise<never> => {
      throw new Error("Could not load credentials from any providers");
    };
    const error = await createEksToken({
      clusterName: "prod",
      region: "us-east-1",
      credentials: failing,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(KubeCredentialsError);
    expect(error.message).toContain("cluster prod");
  });
});

/** An independent SigV4 check (the way STS verifies), so the token is valid and not merely well-formed. */
function verifySignature(url: URL, clusterName: string, secretAccessKey: string): boolean {
  const params = [...url.searchParams].filter(([key]) => key !== "X-Amz-Signature");
  const encode = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = params
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a = ""], [b = ""]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalRequest = [
    "GET",
    "/",
    canonicalQuery,
    `host:${url.host}\nx-k8s-aws-id:${clusterName}\n`,
    "host;x-k8s-aws-id",
    createHash("sha256").update("").digest("hex"),
  ].join("\n");
  const amzDate = url.searchParams.get("X-Amz-Date") ?? "";
  const scope = (url.searchParams.get("X-Amz-Credential") ?? "").split("/").slice(1).join("/");
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  const [date = "", region = "", service = ""] = scope.split("/");
  let key: Buffer = createHmac("sha256", `AWS4${secretAccessKey}`).update(date).digest();
  for (const part of [region, service, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  return (
    createHmac("sha256", key).update(stringToSign).digest("hex") === url.searchParams.get("X-Amz-Signature")
  );
}

describe("EKS token signature", () => {
  it("verifies with an independent SigV4 computation over host and x-k8s-aws-id", async () => {
    const { token } = await createEksToken({
      clusterName: "prod-eks",
      region: "us-west-2",
      credentials,
      now: () => fixedNow,
    });
    const { secretAccessKey } = await credentials();
    expect(verifySignature(decodeEksToken(token), "prod-eks", secretAccessKey)).toBe(true);
    expect(verifySignature(decodeEksToken(token), "other-cluster", secretAccessKey)).toBe(false);
  });
});

describe("EksTokenCache", () => {
  it("reuses a token while young, renews it after renewAfterMs, well before EKS's 15 minutes", async () => {
    let now = fixedNow;
    let signings = 0;
    const cache = new EksTokenCache({
      clusterName: "prod",
      region: "us-east-1",
      now: () => now,
      credentials: async () => {
        signings += 1;
        return credentials();
      },
    });
    const first = await cache.token();
    now += 9 * 60_000;
    expect(await cache.token()).toBe(first);
    expect(signings).toBe(1);
    now += 2 * 60_000;
    const renewed = await cache.token();
    expect(renewed).not.toBe(first);
    expect(decodeEksToken(renewed).searchParams.get("X-Amz-Date")).toBe("20261123T091100Z");
    expect(signings).toBe(2);
    expect(EksTokenLimits.renewAfterMs).toBeLessThan(EksTokenLimits.acceptedForMs);
  });

  it("signs once for concurrent callers and again when forced (after a 401)", async () => {
    let signings = 0;
    const cache = new EksTokenCache({
      clusterName: "prod",
      region: "us-east-1",
      now: () => fixedNow,
      credentials: async () => {
        signings += 1;
        return credentials();
      },
    });
    const tokens = await Promise.all([cache.provider(), cache.provider(), cache.provider()]);
    expect(new Set(tokens).size).toBe(1);
    expect(signings).toBe(1);
    await cache.provider({ forceRefresh: true });
    expect(signings).toBe(2);
  });
});
