import { DiagnosisCode } from "../../model/index.ts";
import { NODELOCAL_DNS_DOC } from "../fixes.ts";
import type { DiagnosisRule } from "../rule.ts";

/** Without a per-node cache every pod lookup crosses to CoreDNS and every miss to the VPC resolver. */
const KUBE_DNS_IP = "kubectl -n kube-system get svc kube-dns -o jsonpath='{.spec.clusterIP}'";
const APPLY_NODELOCAL = "kubectl apply -f nodelocaldns.yaml";

export const nodelocalDnsAbsent: DiagnosisRule = {
  code: DiagnosisCode.nodelocalDnsAbsent,
  evaluate({ coredns }) {
    if (!coredns || coredns.nodeLocalDns.present) return null;
    return {
      code: this.code,
      reason: `NodeLocal DNSCache (daemonset/node-local-dns in kube-system) is not installed on this ${coredns.clusterNodeCount}-node cluster`,
      fix:
        `Install NodeLocal DNSCache (${NODELOCAL_DNS_DOC}): fetch nodelocaldns.yaml, substitute ` +
        "__PILLAR__LOCAL__DNS__ (169.254.20.10), __PILLAR__DNS__DOMAIN__ and __PILLAR__DNS__SERVER__ " +
        `(${KUBE_DNS_IP}), then ${APPLY_NODELOCAL}`,
      commands: [KUBE_DNS_IP, APPLY_NODELOCAL],
      nodes: [],
    };
  },
};
