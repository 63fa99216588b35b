import { describe, expect, it } from "vitest";
import { mergeAddonConfigurations } from "../../shared/diagnose/addon-values.ts";
import {
  onDemandCoreDnsCommand,
  scaleCoreDnsFix,
  spreadCoreDnsCommand,
} from "../../shared/diagnose/fixes.ts";
import { type CoreDnsPlacement, type Diagnosis, DiagnosisCode } from "../../shared/model/index.ts";

const addonOwned = {
  replicaController: { kind: "eks-addon", detail: "EKS add-on coredns v1.11.3-eksbuild.2" },
} as unknown as CoreDnsPlacement;

function finding(code: Diagnosis["code"], command: string): Diagnosis {
  return { code, reason: code, fix: `Do this: ${command}; then watch`, commands: [command], nodes: [] };
}

describe("add-on fixes of one group", () => {
  it("give one merged --configuration-values, the same in every finding, and say to merge the current values", () => {
    const findings = mergeAddonConfigurations([
      finding(DiagnosisCode.corednsOnThrottledNode, scaleCoreDnsFix(addonOwned, 4, "prod").command),
      finding(DiagnosisCode.corednsColocated, spreadCoreDnsCommand(addonOwned, "prod")),
      finding(DiagnosisCode.corednsOnSpot, onDemandCoreDnsCommand(addonOwned, "prod")),
      finding(DiagnosisCode.nodelocalDnsAbsent, "kubectl apply -f nodelocaldns.yaml"),
    ]);
    const updates = findings.flatMap((f) =>
      (f.commands ?? []).filter((c) => c.startsWith("aws eks update-addon")),
    );
    expect(updates).toHaveLength(3);
    expect(new Set(updates).size).toBe(1);
    const values = JSON.parse(/--configuration-values '(.*)'$/.exec(updates[0] as string)?.[1] ?? "{}");
    expect(Object.keys(values).sort()).toEqual(["affinity", "autoScaling", "topologySpreadConstraints"]);
    expect(values.autoScaling).toMatchObject({ enabled: true, minReplicas: 4 });
    for (const f of findings.slice(0, 3)) {
      for (const command of f.commands ?? []) expect(f.fix).toContain(command);
      expect(f.fix).toContain("EKS replaces the whole configuration");
      expect(f.commands).toContain(
        "aws eks describe-addon --cluster-name prod --addon-name coredns --query addon.configurationValues --output text",
      );
    }
    // A finding without an add-on command is left as it was.
    expect(findings[3]).toEqual(
      finding(DiagnosisCode.nodelocalDnsAbsent, "kubectl apply -f nodelocaldns.yaml"),
    );
  });

  it("leaves kubectl fixes (no add-on) untouched", () => {
    const selfManaged = { replicaController: { kind: "none", detail: "" } } as unknown as CoreDnsPlacement;
    const input = [
      finding(DiagnosisCode.corednsOnThrottledNode, scaleCoreDnsFix(selfManaged, 4, "prod").command),
    ];
    expect(mergeAddonConfigurations(input)).toEqual(input);
  });
});
