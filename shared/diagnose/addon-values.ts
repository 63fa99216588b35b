import type { Diagnosis } from "../model/index.ts";

/**
 * EKS replaces an add-on's whole set of configuration values on every `update-addon`, so two fixes that each
 * send their own `--configuration-values` undo each other (the spread constraint wipes the replica minimum,
 * and both wipe what the platform team had set). This pass gives every add-on fix of a group one command
 * carrying all their keys, merged in severity order, and says to merge in the current values first.
 */
const UPDATE_ADDON =
  /^aws eks update-addon --cluster-name (\S+) --addon-name coredns --resolve-conflicts PRESERVE --configuration-values '(\{.*\})'$/;

function describeAddonCommand(cluster: string): string {
  return `aws eks describe-addon --cluster-name ${cluster} --addon-name coredns --query addon.configurationValues --output text`;
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    target[key] = isPlainObject(current) && isPlainObject(value) ? mergeInto({ ...current }, value) : value;
  }
  return target;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function mergeAddonConfigurations(findings: readonly Diagnosis[]): Diagnosis[] {
  const updates = findings.flatMap((finding) =>
    (finding.commands ?? []).flatMap((command) => {
      const match = UPDATE_ADDON.exec(command);
      return match ? [{ command, cluster: match[1] as string, values: JSON.parse(match[2] as string) }] : [];
    }),
  );
  const [first] = updates;
  if (first === undefined) return [...findings];
  const merged = updates.reduce<Record<string, unknown>>((all, update) => mergeInto(all, update.values), {});
  const command = `aws eks update-addon --cluster-name ${first.cluster} --addon-name coredns --resolve-conflicts PRESERVE --configuration-values '${JSON.stringify(merged)}'`;
  const describe = describeAddonCommand(first.cluster);
  const originals = new Set(updates.map((update) => update.command));
  return findings.map((finding) => {
    const own = (finding.commands ?? []).filter((c) => originals.has(c));
    if (own.length === 0) return finding;
    let fix = finding.fix;
    for (const original of own) fix = fix.split(original).join(command);
    fix +=
      ` (one command for every add-on fix of this alert; EKS replaces the whole configuration, so first merge in` +
      ` the current values: ${describe})`;
    const commands = [...new Set((finding.commands ?? []).map((c) => (originals.has(c) ? command : c)))];
    return { ...finding, fix, commands: [...commands, describe] };
  });
}
