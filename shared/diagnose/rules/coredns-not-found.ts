import { DiagnosisCode, ReplicaControllerKind } from "../../model/index.ts";
import type { DiagnosisRule } from "../rule.ts";

const SHOW_DNS_SERVICE = "kubectl -n kube-system get service kube-dns -o wide";
const LIST_DNS_WORKLOADS = "kubectl -n kube-system get deployments,daemonsets -o wide";

/**
 * No CoreDNS Deployment and no Auto Mode: something else answers cluster DNS (or nothing does). Said
 * plainly, because every CoreDNS finding and the scale-up would then point at objects that do not exist.
 */
export const corednsNotFound: DiagnosisRule = {
  code: DiagnosisCode.corednsNotFound,
  evaluate({ coredns }) {
    if (!coredns || coredns.deployment !== null) return null;
    if (coredns.replicaController.kind === ReplicaControllerKind.eksAutoMode) return null;
    const service = coredns.layout.dnsService;
    const command = service && service !== "absent" ? SHOW_DNS_SERVICE : LIST_DNS_WORKLOADS;
    return {
      code: this.code,
      reason: `This cluster runs ${coredns.replicaController.detail}`,
      fix:
        `Check what serves cluster DNS: ${command}; CoreDNS replicas, spreading and NodeLocal DNSCache advice do not ` +
        "apply until CoreDNS is back, and the scaler refuses (no-coredns)",
      commands: [command],
      nodes: [],
    };
  },
};
