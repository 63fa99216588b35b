import { describe, expect, it } from "vitest";
import {
  EksClusterError,
  KubeConnectionError,
  KubeCredentialsError,
  KubeForbiddenError,
  KubeServerError,
  KubeTimeoutError,
  KubeUnauthorizedError,
} from "../../shared/cluster/errors.ts";
import { failureReasonOf, readFailure } from "../../shared/enrich/failure.ts";
import { mainFailureReason } from "../../shared/model/index.ts";

/** The EnrichmentFailures `reason` of each failure, decided by its type, whatever its text says. */
const read = { method: "GET", path: "/api/v1/nodes" };
const aws = (name: string) => Object.assign(new Error("whatever AWS says"), { name });

describe("failureReasonOf", () => {
  it.each([
    [new KubeForbiddenError({ ...read, statusCode: 403 }), "forbidden"],
    [new KubeUnauthorizedError({ ...read, statusCode: 401 }), "unauthorized"],
    [new KubeCredentialsError("the exec plugin failed"), "unauthorized"],
    [new KubeTimeoutError({ ...read, timeoutMs: 5_000 }), "timeout"],
    [
      new KubeConnectionError({ ...read, server: "https://k", reason: "refused", code: "ECONNREFUSED" }),
      "unreachable",
    ],
    [new KubeServerError({ ...read, statusCode: 503 }), "unreachable"],
    [new EksClusterError("DescribeCluster failed", { cause: aws("AccessDeniedException") }), "forbidden"],
    [new EksClusterError("DescribeCluster failed", { cause: aws("TimeoutError") }), "timeout"],
    [
      new EksClusterError("EKS cluster not found", { cause: aws("ResourceNotFoundException") }),
      "unreachable",
    ],
    [aws("AccessDeniedException"), "forbidden"],
    // A message that merely mentions a timeout or a 403 is not one.
    [new Error("node ip-10-0-0-403 timed out of the pool"), "other"],
  ])("%s: %s", (error, reason) => {
    expect(failureReasonOf(error)).toBe(reason);
  });

  it("keeps the line for humans beside the kind", () => {
    const failure = readFailure("listing nodes", new KubeForbiddenError({ ...read, statusCode: 403 }));
    expect(failure.reason).toBe("forbidden");
    expect(failure.message).toMatch(/^listing nodes: .*grant the enrichment role read access/);
  });
});

describe("mainFailureReason", () => {
  it("counts a group under its most telling failure, or none", () => {
    expect(mainFailureReason(["timeout", "forbidden", "other"])).toBe("forbidden");
    expect(mainFailureReason(["other", "unreachable"])).toBe("unreachable");
    expect(mainFailureReason([])).toBeNull();
  });
});
