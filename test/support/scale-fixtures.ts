import type { ScaleReport, VerificationReport } from "../../shared/model/index.ts";

/** A scale report as the scaler publishes it after scaling a self-managed CoreDNS from 2 to 3. */
export function scaleReportFixture(overrides: Partial<ScaleReport> = {}): ScaleReport {
  return {
    schemaVersion: 1,
    kind: "scale-report",
    mode: "on",
    owner: "deployment",
    ownerDetail: "the coredns Deployment's own spec.replicas (2); no EKS add-on, no autoscaler",
    action: "scaled",
    guardrail: null,
    from: 2,
    to: 3,
    reason: "diagnosis COREDNS_COLOCATED; step +1; wrote spec.replicas 2 → 3; 3 replicas Ready",
    landedOn: ["ip-10-10-0-4.ec2.internal"],
    landed: [
      {
        pod: "coredns-5b8c7d9f4d-sc002",
        node: "ip-10-10-0-4.ec2.internal",
        ready: true,
        throttled: false,
        spot: true,
      },
    ],
    cluster: "prod-eu",
    alertname: "LinkLocalAllowanceExceeded",
    messageId: "95df01b4-2c1e-5d7a-9f0e-7c1b2a3d4e5f",
    decidedAt: "2026-12-03T03:14:00.000Z",
    routes: ["slack"],
    nodes: ["ip-10-10-0-9.ec2.internal"],
    firstFiringAt: "2026-12-03T03:02:00.000Z",
    ...overrides,
  };
}

/** The verification that follows that scale-up: the drops stopped on the group's one node. */
export function verificationFixture(overrides: Partial<VerificationReport> = {}): VerificationReport {
  return {
    schemaVersion: 1,
    kind: "verification",
    cluster: "prod-eu",
    alertname: "LinkLocalAllowanceExceeded",
    messageId: "95df01b4-2c1e-5d7a-9f0e-7c1b2a3d4e5f",
    checkedAt: "2026-12-03T03:24:00.000Z",
    checked: true,
    stopped: true,
    summary: "drops stopped at 03:14 UTC on every node, after scaling CoreDNS from 2 to 3",
    after: "after scaling CoreDNS from 2 to 3",
    next: null,
    nodes: [{ node: "ip-10-10-0-9.ec2.internal", state: "stopped", lastDropAt: 1796267640 }],
    routes: ["slack"],
    ...overrides,
  };
}
