import { DiagnosisCode } from "../../model/index.ts";
import { plural } from "../context.ts";
import type { DiagnosisRule } from "../rule.ts";

/** The fix for the usual ways cluster reads fail, recognised in the cluster client's error messages. */
const FIXES: { pattern: RegExp; fix: string; commands?: string[] }[] = [
  {
    pattern: /EKS_CLUSTER_NAME is not set/,
    fix: "Deploy the stack with EksClusterName set to the cluster's name: it sets EKS_CLUSTER_NAME, grants eks:DescribeCluster on that cluster and creates the access entry",
  },
  {
    pattern: /^replay has no cluster to read/,
    fix: "Run replay with --kubeconfig PATH (or --context NAME) for a kubeconfig cluster, or --cluster NAME --region R for EKS",
  },
  {
    pattern: /Not allowed to call eks:DescribeCluster/,
    fix: "The function role may not describe this cluster: deploy the stack with EksClusterName set to it (that grants eks:DescribeCluster and eks:DescribeAddon on it), or grant them to the role",
  },
  {
    pattern: /but this deployment enriches from/,
    fix: "One stack enriches one cluster: deploy another stack (its own EksClusterName) for this cluster, or route its alerts elsewhere",
  },
  {
    pattern: /\(403 Forbidden\)/,
    fix: "Apply infra/rbac.yaml and map the function role to its group with an EKS access entry (aws eks create-access-entry ... --kubernetes-groups linklocal-sentinel-readers)",
    commands: ["aws eks create-access-entry ... --kubernetes-groups linklocal-sentinel-readers"],
  },
  {
    pattern: /\(401 Unauthorized\)/,
    fix: "Create an EKS access entry for the function role (aws eks create-access-entry --cluster-name <cluster> --principal-arn <role-arn>) or refresh the kubeconfig credentials",
    commands: ["aws eks create-access-entry --cluster-name <cluster> --principal-arn <role-arn>"],
  },
  {
    pattern: /\(404 Not Found\)|ResourceNotFound|No cluster found/i,
    fix: "Check EKS_CLUSTER_NAME (or --cluster/--context) names this cluster and that the alert's cluster label matches it",
  },
  {
    pattern: /did not answer .* within|unreachable/,
    fix: "Check the function can reach the cluster endpoint (VPC config, endpoint public/private access, security groups)",
  },
  {
    pattern: /HTTP 5\d\d/,
    fix: "The API server failed; the next alert group retries, check the control plane's health",
  },
];

/** Some or all alerts went out without cluster facts; says why so the gap can be closed. */
export const enrichmentUnavailable: DiagnosisRule = {
  code: DiagnosisCode.enrichmentUnavailable,
  evaluate({ enrichmentErrors, unresolved, firingCount }) {
    if (enrichmentErrors.length === 0 && unresolved.count === 0) return null;
    const first = enrichmentErrors[0] ?? unresolved.firstReason ?? "unknown reason";
    const missing =
      unresolved.count > 0
        ? `no node facts for ${unresolved.count} of ${plural(firingCount, "firing alert")}; `
        : "";
    const known = FIXES.find((entry) => entry.pattern.test(first));
    return {
      code: this.code,
      reason: `${missing}${first}`,
      fix:
        known?.fix ??
        "Add a node label to the alert rule (relabel __meta_kubernetes_pod_node_name to `node` in the scrape config) so each alert names its node",
      commands: known?.commands ?? [],
      nodes: [],
    };
  },
};
