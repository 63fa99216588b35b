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

/** The reader's state between lines. */
interface TextReading {
  truncatedByAmp: boolean;
  alerts: DraftAlert[];
  warnings: string[];
  section: "firing" | "resolved" | null;
  open: OpenAlert | null;
  cutShort: boolean;
}

export function readDefaultText(body: string, truncatedByAmp: boolean): DraftGroup {
  const reading: TextReading = {
    truncatedByAmp,
    alerts: [],
    warnings: [],
    section: null,
    open: null,
    cutShort: false,
  };
  for (const rawLine of body.split("\n"))
    readLine(reading, rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine);
  closeAlert(reading);
  const { alerts, cutShort, warnings } = reading;
  return { format: MessageFormat.defaultText, status: null, alerts, cutShort, warnings };
}

/** A section heading, the start of an alert, or a line of the open alert. */
function readLine(reading: TextReading, line: string): void {
  if (line in SECTION) {
    closeAlert(reading);
    reading.section = SECTION[line as keyof typeof SECTION];
    return;
  }
  if (reading.section === null) return; // the common-annotations header line: derived again from the alerts
  if (line === "Labels:") {
    closeAlert(reading);
    reading.open = {
      draft: { status: reading.section, labels: {}, annotations: {} },
      block: "labels",
      lastPair: null,
      sawSource: false,
    };
    return;
  }
  if (reading.open) readAlertLine(reading, reading.open, line);
}

/** `Annotations:`, `Source:` (which ends the alert), a ` - name = value` pair, or a value's next line. */
function readAlertLine(reading: TextReading, current: OpenAlert, line: string): void {
  if (line === "Annotations:") {
    current.block = "annotations";
    current.lastPair = null;
    return;
  }
  if (line.startsWith("Source:")) {
    current.draft.generatorURL = line.slice("Source:".length).trim();
    current.sawSource = true;
    closeAlert(reading);
    return;
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

/** Keeps the open alert; one without its Source line was cut by AMP (left out) or is kept with a warning. */
function closeAlert(reading: TextReading): void {
  const { open, alerts, warnings } = reading;
  if (!open) return;
  if (open.sawSource) {
    alerts.push(open.draft);
  } else if (reading.truncatedByAmp) {
    reading.cutShort = true;
    warnings.push(`alert ${alerts.length} was cut off by AMP's truncation and is left out`);
  } else {
    warnings.push(`alert ${alerts.length} has no Source line; kept as read`);
    alerts.push(open.draft);
  }
  reading.open = null;
}
