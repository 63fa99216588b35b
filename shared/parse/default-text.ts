import { MessageFormat } from "../model/index.ts";
import type { DraftAlert, DraftGroup } from "./build-group.ts";
import { setOwn } from "./text-safety.ts";

/**
 * Reads Alertmanager's default `sns.default.message` text: a line of common annotation values, then
 * `Alerts Firing:` / `Alerts Resolved:` sections of `Labels:` / ` - name = value` / `Annotations:` / `Source:`
 * blocks. Values may span lines (an annotation with newlines); continuation lines belong to the last pair.
 * The text carries no times and no fingerprints; those are derived later.
 */

const SECTION = { "Alerts Firing:": "firing", "Alerts Resolved:": "resolved" } as const;
const PAIR = /^ - ([^=\s][^=]*?) = ?(.*)$/;

export function looksLikeDefaultText(body: string): boolean {
  return /^Labels:\r?$/m.test(body) && /^Alerts (Firing|Resolved):\r?$/m.test(body);
}

interface OpenAlert {
  draft: DraftAlert;
  block: "labels" | "annotations";
  lastPair: { target: Record<string, string>; name: string } | null;
  sawSource: boolean;
}

export function readDefaultText(body: string, truncatedByAmp: boolean): DraftGroup {
  const warnings: string[] = [];
  const alerts: DraftAlert[] = [];
  let section: "firing" | "resolved" | null = null;
  let open: OpenAlert | null = null;
  let cutShort = false;

  const close = () => {
    if (!open) return;
    if (open.sawSource) {
      alerts.push(open.draft);
    } else if (truncatedByAmp) {
      cutShort = true;
      warnings.push(`alert ${alerts.length} was cut off by AMP's truncation and is left out`);
    } else {
      warnings.push(`alert ${alerts.length} has no Source line; kept as read`);
      alerts.push(open.draft);
    }
    open = null;
  };

  for (const rawLine of body.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line in SECTION) {
      close();
      section = SECTION[line as keyof typeof SECTION];
      continue;
    }
    if (section === null) continue; // the common-annotations header line: derived again from the alerts
    if (line === "Labels:") {
      close();
      open = {
        draft: { status: section, labels: {}, annotations: {} },
        block: "labels",
        lastPair: null,
        sawSource: false,
      };
      continue;
    }
    if (!open) continue;
    const current: OpenAlert = open;
    if (line === "Annotations:") {
      current.block = "annotations";
      current.lastPair = null;
      continue;
    }
    if (line.startsWith("Source:")) {
      current.draft.generatorURL = line.slice("Source:".length).trim();
      current.sawSource = true;
      close();
      continue;
    }
    const pair = PAIR.exec(line);
    if (pair) {
      const target = current.block === "labels" ? current.draft.labels : current.draft.annotations;
      const name = (pair[1] as string).trim();
      setOwn(target, name, pair[2] as string);
      current.lastPair = { target, name };
    } else if (current.lastPair) {
      const { target, name } = current.lastPair;
      setOwn(target, name, `${target[name]}\n${line}`);
    }
  }
  close();
  return { format: MessageFormat.defaultText, status: null, alerts, cutShort, warnings };
}
