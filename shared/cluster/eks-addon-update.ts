import type { EKSClient } from "@aws-sdk/client-eks";
import { EksCallDefaults } from "./eks-cluster.ts";
import { EksClusterError } from "./errors.ts";

/**
 * Writes to the EKS coredns add-on for the scaler: `UpdateAddon` with only new configuration values and
 * `resolveConflicts: PRESERVE` (fields someone changed on the cluster stay as they are; the version is not
 * touched), and `DescribeUpdate` to follow it. A client request token derived from the triggering message
 * makes a retried call the same update rather than a second one.
 */
export interface AddonUpdateStatus {
  status: "InProgress" | "Successful" | "Failed" | "Cancelled" | (string & {});
  errors: string[];
}

export async function updateCoreDnsAddonConfiguration(
  eks: EKSClient,
  clusterName: string,
  configurationValues: string,
  requestToken: string,
  options: { timeoutMs?: number } = {},
): Promise<string> {
  try {
    const { UpdateAddonCommand } = await import("../lazy/eks.ts");
    const output = await eks.send(
      new UpdateAddonCommand({
        clusterName,
        addonName: "coredns",
        configurationValues,
        resolveConflicts: "PRESERVE",
        clientRequestToken: requestToken.slice(0, 64),
      }),
      { abortSignal: AbortSignal.timeout(options.timeoutMs ?? EksCallDefaults.timeoutMs) },
    );
    const id = output.update?.id;
    if (!id) throw new Error("the answer has no update id");
    return id;
  } catch (error) {
    throw new EksClusterError(
      `eks:UpdateAddon coredns on "${clusterName}" failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

export async function describeCoreDnsAddonUpdate(
  eks: EKSClient,
  clusterName: string,
  updateId: string,
  options: { timeoutMs?: number } = {},
): Promise<AddonUpdateStatus> {
  try {
    const { DescribeUpdateCommand } = await import("../lazy/eks.ts");
    const output = await eks.send(
      new DescribeUpdateCommand({ name: clusterName, addonName: "coredns", updateId }),
      {
        abortSignal: AbortSignal.timeout(options.timeoutMs ?? EksCallDefaults.timeoutMs),
      },
    );
    return {
      status: output.update?.status ?? "InProgress",
      errors: (output.update?.errors ?? []).map((e) =>
        `${e.errorCode ?? "error"}: ${e.errorMessage ?? ""}`.trim(),
      ),
    };
  } catch (error) {
    throw new EksClusterError(
      `eks:DescribeUpdate ${updateId} on "${clusterName}" failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
