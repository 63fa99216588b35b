import { MessageFormat } from "../model/index.ts";
import type { DraftAlert, DraftGroup } from "./build-group.ts";
import { couldBeGoJs, decodeGoJs } from "./go-js-escape.ts";
import { setOwn } from "./text-safety.ts";

/**
 * Reads the AWS-documented `sns.default.message` JSON template by its own grammar rather than as JSON.
 * That template prints every value raw: a backslash is a literal character (`C:\new` is not a newline), and
 * a quote, comma or brace may sit anywhere inside a value. What it does fix is the skeleton: keys in a fixed
 * order, `"name": "value"` pairs joined by `", "` in sorted name order, `"}` closing a map before the next
 * fixed key. A value therefore ends only where that skeleton continues, which leaves exactly two readings
 * ambiguous (README "Messages it reads"): a value holding `", "<name>": "` with a later-sorting label name,
 * and a value holding `"}` followed by the next fixed key (e.g. `"},"startsAt": "`).
 */

// The documented template writes `"key": "` (space after the colon) and joins fixed keys with `,` alone;
// the project's template writes `", "` and Go's JSON encoder no spaces at all, so this prefix is its own.
const SKELETON_START = /^\s*\{"receiver": "/;
const AFTER_RECEIVER = /","status": "(firing|resolved)","alerts": \[/g;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const PAIR_SEPARATOR = '", "';
const MAP_END = '"}';

const ALERT_LABELS_END = [',"annotations": {', ',"startsAt": "'];
const ALERT_ANNOTATIONS_END = [',"startsAt": "'];
const GROUP_MAPS = [
  { key: "groupLabels", next: [',"commonLabels": {', ',"commonAnnotations": {', ',"externalURL": "'] },
  { key: "commonLabels", next: [',"commonAnnotations": {', ',"externalURL": "'] },
  { key: "commonAnnotations", next: [',"externalURL": "'] },
] as const;

export function looksLikeAwsTemplate(body: string): boolean {
  AFTER_RECEIVER.lastIndex = 0;
  return SKELETON_START.test(body) && AFTER_RECEIVER.test(body);
}

/** The body ended inside the element being read (AMP cut it at 256 KB). */
class CutShort extends Error {}

export class AwsTemplateError extends Error {
  constructor(reason: string, offset: number) {
    super(`AWS template: ${reason} at offset ${offset}`);
    this.name = "AwsTemplateError";
  }
}

interface RawGroup {
  receiver: string;
  status: string;
  alerts: DraftAlert[];
  maps: Record<string, Record<string, string>>;
  externalURL: string | null;
  cutShort: boolean;
}

/** Reads a body `looksLikeAwsTemplate` accepted; throws `AwsTemplateError` when the skeleton breaks. */
export function readAwsTemplate(body: string): DraftGroup {
  const raw = new SkeletonReader(body).readGroup();
  const warnings: string[] = [];
  if (raw.cutShort) warnings.push("the JSON body ends early; kept every complete alert");
  // A user may have added `| js` to the documented template. Its escapes are only taken as such when every
  // backslash in every value is one `js` writes and no value holds a character `js` always escapes.
  const values = raw.alerts.flatMap((a) => [...Object.values(a.labels), ...Object.values(a.annotations)]);
  const jsEscaped = values.some((v) => v.includes("\\")) && values.every(couldBeGoJs);
  const decode = jsEscaped ? decodeGoJs : (text: string) => text;
  if (jsEscaped) warnings.push("read values escaped by Go's js function");
  const decodeSet = (set: Record<string, string>) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(set)) setOwn(out, k, decode(v));
    return out;
  };
  return {
    format: MessageFormat.awsJsonTemplate,
    status: raw.status,
    receiver: decode(raw.receiver),
    groupLabels: decodeSet(raw.maps.groupLabels ?? {}),
    commonLabels: decodeSet(raw.maps.commonLabels ?? {}),
    commonAnnotations: decodeSet(raw.maps.commonAnnotations ?? {}),
    externalURL: raw.externalURL === null ? null : decode(raw.externalURL),
    alerts: raw.alerts.map((a) => ({
      ...a,
      labels: decodeSet(a.labels),
      annotations: decodeSet(a.annotations),
      generatorURL: a.generatorURL ? decode(a.generatorURL) : a.generatorURL,
    })),
    cutShort: raw.cutShort,
    warnings,
  };
}

class SkeletonReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  readGroup(): RawGroup {
    this.pos = (SKELETON_START.exec(this.text)?.[0] ?? "").length;
    AFTER_RECEIVER.lastIndex = this.pos;
    const head = AFTER_RECEIVER.exec(this.text);
    if (!head) throw new AwsTemplateError('no "status" and "alerts" after the receiver', this.pos);
    const group: RawGroup = {
      receiver: this.text.slice(this.pos, head.index),
      status: head[1] as string,
      alerts: [],
      maps: {},
      externalURL: null,
      cutShort: false,
    };
    this.pos = head.index + head[0].length;
    try {
      if (!this.take("]")) {
        do group.alerts.push(this.readAlert());
        while (this.take(", "));
        this.expect("]");
      }
      for (const { key, next } of GROUP_MAPS) {
        if (this.take(`,"${key}": {`)) group.maps[key] = this.readPairs(next);
      }
      this.expect(',"externalURL": "');
      const end = this.text.trimEnd().length - MAP_END.length;
      if (end < this.pos || !this.text.startsWith(MAP_END, end)) throw new CutShort();
      group.externalURL = this.text.slice(this.pos, end);
    } catch (error) {
      if (!(error instanceof CutShort)) throw error;
      group.cutShort = true;
    }
    return group;
  }

  private readAlert(): DraftAlert {
    this.expect('{"status": "');
    const status = this.until('"');
    this.expect('"');
    const labels = this.take(',"labels": {') ? this.readPairs(ALERT_LABELS_END) : {};
    const annotations = this.take(',"annotations": {') ? this.readPairs(ALERT_ANNOTATIONS_END) : {};
    this.expect(',"startsAt": "');
    const startsAt = this.until('"');
    this.expect('","endsAt": "');
    const endsAt = this.until('"');
    this.expect('","generatorURL": "');
    const generatorURL = this.until('","fingerprint": "');
    this.expect('","fingerprint": "');
    const fingerprint = this.until('"');
    this.expect('"}');
    return { status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint };
  }

  /** The pairs of a `{"name": "value", ...}` map whose `{` was just read, up to and including its `"}`. */
  private readPairs(followers: readonly string[]): Record<string, string> {
    const pairs: Record<string, string> = {};
    if (this.take("}")) return pairs;
    this.expect('"');
    let name = this.readName();
    for (;;) {
      this.expect('": "');
      const end = this.valueEnd(name, followers);
      setOwn(pairs, name, this.text.slice(this.pos, end.at));
      this.pos = end.at;
      if (end.next === null) {
        this.pos += MAP_END.length;
        return pairs;
      }
      this.pos += PAIR_SEPARATOR.length;
      name = end.next;
      this.pos += name.length;
    }
  }

  private readName(): string {
    const name = LABEL_NAME.exec(this.text.slice(this.pos, this.pos + 1024))?.[0];
    if (!name) {
      if (this.pos >= this.text.length) throw new CutShort();
      throw new AwsTemplateError("expected a label name", this.pos);
    }
    this.pos += name.length;
    return name;
  }

  /**
   * Where the value starting at `pos` ends: at the first `"` that continues the skeleton, either
   * `", "<name>": "` with a name sorting after `current` (SortedPairs order), or `"}` and a follower.
   */
  private valueEnd(current: string, followers: readonly string[]): { at: number; next: string | null } {
    for (let at = this.text.indexOf('"', this.pos); at !== -1; at = this.text.indexOf('"', at + 1)) {
      if (this.text.startsWith(PAIR_SEPARATOR, at)) {
        const from = at + PAIR_SEPARATOR.length;
        const next = LABEL_NAME.exec(this.text.slice(from, from + 1024))?.[0];
        if (next && next > current && this.text.startsWith('": "', from + next.length)) return { at, next };
      }
      if (this.text.startsWith(MAP_END, at)) {
        const after = at + MAP_END.length;
        if (followers.some((f) => this.text.startsWith(f, after))) return { at, next: null };
      }
    }
    throw new CutShort();
  }

  private take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) return false;
    this.pos += literal.length;
    return true;
  }

  private expect(literal: string): void {
    if (this.take(literal)) return;
    const rest = this.text.slice(this.pos);
    if (literal.startsWith(rest)) throw new CutShort();
    throw new AwsTemplateError(`expected ${JSON.stringify(literal)}`, this.pos);
  }

  private until(literal: string): string {
    const at = this.text.indexOf(literal, this.pos);
    if (at === -1) throw new CutShort();
    const value = this.text.slice(this.pos, at);
    this.pos = at;
    return value;
  }
}
