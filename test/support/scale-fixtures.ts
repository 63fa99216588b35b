import type { ScaleReport } from "../../shared/model/index.ts";

/** A scale report as the scaler publishes it after scaling a self-managed CoreDNS from 2 to 3. */
export function scaleReportFixture(overrides: Partial<ScaleReport> = {}): ScaleReport {
  return {
    schemaVersion: 1,
    kind: "scale-report",
    mode: "on",
    owner: "deployment",
    ownerDetail: "nobody: the coredns Deployment",
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
    ...overrides,
  };
}
