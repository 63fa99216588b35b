/**
 * Prometheus relabeling (relabel_configs, metric_relabel_configs) as Prometheus applies it, for the actions
 * infra/scrape-config.yaml uses: replace (the default), keep, drop. Source labels joined by `separator`
 * (default ";"), the regex anchored at both ends (default "(.*)"), `$1`-style groups in the replacement
 * (default "$1"). Returns null when a keep or drop removes the target.
 */
export interface RelabelRule {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: "replace" | "keep" | "drop";
}

export function relabel(
  labels: Record<string, string>,
  rules: readonly RelabelRule[],
): Record<string, string> | null {
  let current: Record<string, string> = { ...labels };
  for (const rule of rules) {
    const value = (rule.source_labels ?? []).map((name) => current[name] ?? "").join(rule.separator ?? ";");
    const regex = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`);
    const match = regex.exec(value);
    const action = rule.action ?? "replace";
    if (action === "keep" && !match) return null;
    if (action === "drop" && match) return null;
    if (action === "replace" && match && rule.target_label) {
      const replaced = (rule.replacement ?? "$1").replace(
        /\$\{?(\d+)\}?/g,
        (_, n: string) => match[Number(n)] ?? "",
      );
      current = { ...current };
      if (replaced === "") delete current[rule.target_label];
      else current[rule.target_label] = replaced;
    }
  }
  return current;
}

/** What remains of a target after relabeling: the `__`-prefixed labels are dropped, as Prometheus does. */
export function targetLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith("__")));
}
