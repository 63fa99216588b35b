import { ComputeType, DiagnosisCode } from "../../model/index.ts";
import { NODELOCAL_DNS_DOC } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/** Without a per-node cache every pod lookup crosses to CoreDNS and every miss to the VPC resolver. */
const KUBE_DNS_IP = "kubectl -n kube-system get svc kube-dns -o jsonpath='{.spec.clusterIP}'";
const APPLY_NODELOCAL = "kubectl apply -f nodelocaldns.yaml";

export const nodelocalDnsAbsent: DiagnosisRule = {
  code: DiagnosisCode.nodelocalDnsAbsent,
  evaluate({ coredns, throttled }) {
    // NodeLocal DNSCache caches in front of CoreDNS, as a DaemonSet: not without CoreDNS, not on Fargate
    // (no DaemonSets), not on Auto Mode nodes (they cache DNS on the node themselves).
    if (!coredns || coredns.deployment === null || coredns.nodeLocalDns.present) return null;
    const managed = throttled.filter((node) => node.computeType === ComputeType.ec2);
    if (throttled.length > 0 && managed.length === 0) return null;
    const only =
      coredns.layout.autoMode.enabled || coredns.layout.fargateNodes > 0
        ? " on the nodes you manage (a nodeAffinity with eks.amazonaws.com/compute-type NotIn auto, fargate: Auto Mode nodes cache DNS themselves, Fargate runs no DaemonSet)"
        : "";
    return {
      code: this.code,
      reason: `NodeLocal DNSCache (daemonset/node-local-dns in kube-system) is not installed on this ${coredns.clusterNodeCount}-node cluster`,
      fix:
        `Install NodeLocal DNSCache (${NODELOCAL_DNS_DOC}): fetch nodelocaldns.yaml, substitute ` +
        "__PILLAR__LOCAL__DNS__ (169.254.20.10), __PILLAR__DNS__DOMAIN__ and __PILLAR__DNS__SERVER__ " +
        `(${KUBE_DNS_IP}), then ${APPLY_NODELOCAL}${only}`,
      commands: [KUBE_DNS_IP, APPLY_NODELOCAL],
      nodes: [],
    };
  },
};
