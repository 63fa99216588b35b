import { labelFingerprint, MessageFormat } from "../model/index.ts";
import type { DraftAlert, DraftGroup } from "./build-group.ts";
import { couldBeGoJs, decodeGoJs } from "./go-js-escape.ts";
import { setOwn } from "./text-safety.ts";

/**
 * Reads the AWS-documented `sns.default.message` JSON template by its own grammar rather than as JSON.
 * That template prints every value raw: a backslash is a literal character (`C:\new` is not a newline), and
 * a quote, comma or brace may sit anywhere inside a value. What it does fix is the skeleton: keys in a fixed
 * order, `"name": "value"` pairs joined by `", "` in sorted name order, `"}` closing a map before the next
 * fixed key. A value therefore ends only where that skeleton continues, which leaves exactly two readings
 * ambiguous (docs/message-formats.md): a value holding `", "<name>": "` with a later-sorting label name,
 * and a value holding `"}` followed by the next fixed key (e.g. `"},"startsAt": "`).
 */

// The documented template writes `"key": "` (space after the colon) and joins fixed keys with `,` alone;
// the project's template writes `", "` and Go's JSON encoder no spaces at all, so this prefix is its own.
const SKELETON_START = /^\s*\{"receiver": "/;
const AFTER_RECEIVER = /","status": "(firing|resolved)","alerts": \[/g;
const FINGERPRINT = /","fingerprint": "([0-9a-f]{16})"\}/g;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;

/** The label name starting exactly at `at`, or undefined (sticky: no copy of the text is made). */
function labelNameAt(text: string, at: number): string | undefined {
  LABEL_NAME.lastIndex = at;
  return LABEL_NAME.exec(text)?.[0];
}
const PAIR_SEPARATOR = '", "';
const MAP_END = '"}';

// Bounds the search for a reading that agrees with the fingerprint when a value mimics the skeleton.
const MAX_SEARCH_STEPS = 2_000;
const ALERT_LABELS_END = [',"annotations": {', ',"startsAt": "'];
const ALERT_ANNOTATIONS_END = [',"startsAt": "'];
/**
 * The group's own closing brace as a follower: it matches only as the body's last non-space character.
 * Copies of the documented template differ after `alerts` (some end after `commonAnnotations`, with no
 * `externalURL`, and users drop keys), so every key after the alerts is optional and the group may close
 * after any of them.
 */
const GROUP_END = "}";
const EXTERNAL_URL = ',"externalURL": "';
const GROUP_MAPS = [
  {
    key: "groupLabels",
    of: "labels",
    next: [',"commonLabels": {', ',"commonAnnotations": {', EXTERNAL_URL, GROUP_END],
  },
  { key: "commonLabels", of: "labels", next: [',"commonAnnotations": {', EXTERNAL_URL, GROUP_END] },
  { key: "commonAnnotations", of: "annotations", next: [EXTERNAL_URL, GROUP_END] },
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
  // backslash in every value is one `js` writes and no value holds a character `js` always escapes; the
  // generator URLs count, and Prometheus writes them with a raw `=` (`graph?g0.expr=`) unless escaped.
  const values = [
    raw.receiver,
    raw.externalURL ?? "",
    ...raw.alerts.flatMap((a) => [
      ...Object.values(a.labels),
      ...Object.values(a.annotations),
      a.generatorURL ?? "",
    ]),
  ];
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
      for (const { key, next, of } of GROUP_MAPS) {
        // Group maps carry no fingerprint; what every alert holds tells a value from a separator.
        const inEveryAlert = (pairs: Record<string, string>) =>
          group.alerts.every((a) =>
            Object.entries(pairs).every(([k, v]) => Object.hasOwn(a[of], k) && a[of][k] === v),
          );
        if (this.take(`,"${key}": {`)) group.maps[key] = this.readPairs(next, inEveryAlert);
      }
      if (this.take(EXTERNAL_URL)) {
        const end = this.text.trimEnd().length - MAP_END.length;
        if (end < this.pos || !this.text.startsWith(MAP_END, end)) throw new CutShort();
        group.externalURL = this.text.slice(this.pos, end);
      } else this.expectGroupEnd();
    } catch (error) {
      if (!(error instanceof CutShort)) throw error;
      group.cutShort = true;
    }
    return group;
  }

  /** Only the group's closing brace may follow; a body that stops before it was cut. */
  private expectGroupEnd(): void {
    const rest = this.text.slice(this.pos).trim();
    if (rest === GROUP_END) return;
    if (rest === "") throw new CutShort();
    throw new AwsTemplateError(`expected ${JSON.stringify(EXTERNAL_URL)} or the closing "}"`, this.pos);
  }

  private readAlert(): DraftAlert {
    this.expect('{"status": "');
    const status = this.until('"');
    this.expect('"');
    // The fingerprint comes last but tells which reading of an ambiguous label set is Alertmanager's.
    const fingerprint = this.fingerprintAhead();
    const labels = this.take(',"labels": {')
      ? this.readPairs(ALERT_LABELS_END, (pairs) => matchesFingerprint(pairs, fingerprint))
      : {};
    const annotations = this.take(',"annotations": {') ? this.readPairs(ALERT_ANNOTATIONS_END) : {};
    this.expect(',"startsAt": "');
    const startsAt = this.until('"');
    this.expect('","endsAt": "');
    const endsAt = this.until('"');
    this.expect('","generatorURL": "');
    const generatorURL = this.until('","fingerprint": "');
    this.expect('","fingerprint": "');
    const printed = this.until('"');
    this.expect('"}');
    return { status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint: printed };
  }

  /**
   * The pairs of a `{"name": "value", ...}` map whose `{` was just read, up to and including its `"}`.
   * Each value ends at the earliest place the skeleton can go on; when that reading fails `accepts` (the
   * fingerprint Alertmanager printed for the label set), later places are tried, in a bounded search.
   */
  private readPairs(
    followers: readonly string[],
    accepts: (pairs: Record<string, string>) => boolean = () => true,
  ): Record<string, string> {
    if (this.take("}")) return {};
    this.expect('"');
    const first = this.readName();
    this.expect('": "');
    const search = new PairSearch(this.text, followers, accepts, this.groupEnd());
    const found = search.run(first, this.pos);
    if (!found) {
      if (search.ranOut) throw new CutShort();
      throw new AwsTemplateError("a map does not close", this.pos);
    }
    this.pos = found.end;
    return found.pairs;
  }

  private readName(): string {
    const name = labelNameAt(this.text, this.pos);
    if (!name) {
      if (this.pos >= this.text.length) throw new CutShort();
      throw new AwsTemplateError("expected a label name", this.pos);
    }
    this.pos += name.length;
    return name;
  }

  /** Where the group's closing brace is (the last non-space character), or -1 when the body ends otherwise. */
  private groupEnd(): number {
    const last = this.text.trimEnd().length - 1;
    return this.text[last] === GROUP_END ? last : -1;
  }

  /** The first `"fingerprint": "<16 hex>"` after this point, or null. */
  private fingerprintAhead(): string | null {
    FINGERPRINT.lastIndex = this.pos;
    return FINGERPRINT.exec(this.text)?.[1] ?? null;
  }

  /** Reads `literal` if it is next; a body that ends partway through it was cut there. */
  private take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.pos)) {
      if (literal.startsWith(this.text.slice(this.pos))) throw new CutShort();
      return false;
    }
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

interface PairsFound {
  pairs: Record<string, string>;
  /** Just past the map's closing `"}`. */
  end: number;
}

/** A depth-first search over where each value of one map ends, earliest first. */
class PairSearch {
  /** The body ended while a value was still open on some path: the map may have been cut. */
  ranOut = false;
  private steps = MAX_SEARCH_STEPS;
  private firstComplete: PairsFound | null = null;

  constructor(
    private readonly text: string,
    private readonly followers: readonly string[],
    private readonly accepts: (pairs: Record<string, string>) => boolean,
    private readonly groupEnd: number,
  ) {}

  run(firstName: string, valueStart: number): PairsFound | null {
    this.mapStart = valueStart;
    // When no reading agrees with the fingerprint, the earliest complete one is the template's own grammar.
    return this.from(firstName, valueStart, []) ?? this.firstComplete;
  }

  private mapStart = 0;

  /**
   * Whether the map's text holds no `", "` but the separators between its pairs: then the earliest reading is
   * the only one, and checking it (a fingerprint per alert) can be skipped.
   */
  private onlyReading(pairs: number, mapEnd: number): boolean {
    let separators = 0;
    for (let at = this.text.indexOf(PAIR_SEPARATOR, this.mapStart); at !== -1 && at < mapEnd; ) {
      separators++;
      at = this.text.indexOf(PAIR_SEPARATOR, at + 1);
    }
    return separators === pairs - 1;
  }

  private from(name: string, valueStart: number, before: [string, string][]): PairsFound | null {
    for (const end of this.valueEnds(name, valueStart)) {
      if (--this.steps < 0) return null;
      const pairs: [string, string][] = [...before, [name, this.text.slice(valueStart, end.at)]];
      if (end.next === null) {
        const found = { pairs: toRecord(pairs), end: end.at + MAP_END.length };
        if (this.firstComplete === null && this.onlyReading(pairs.length, end.at)) return found;
        this.firstComplete ??= found;
        if (this.accepts(found.pairs)) return found;
        continue;
      }
      const nextValue = end.at + PAIR_SEPARATOR.length + end.next.length + '": "'.length;
      const found = this.from(end.next, nextValue, pairs);
      if (found) return found;
    }
    return null;
  }

  /**
   * The places a value starting at `from` can end: a `"` that continues the skeleton, either
   * `", "<name>": "` with a name sorting after `current` (SortedPairs order), or `"}` and a follower.
   */
  private *valueEnds(current: string, from: number): Generator<{ at: number; next: string | null }> {
    for (let at = this.text.indexOf('"', from); at !== -1; at = this.text.indexOf('"', at + 1)) {
      if (this.text.startsWith(PAIR_SEPARATOR, at)) {
        const nameAt = at + PAIR_SEPARATOR.length;
        const next = labelNameAt(this.text, nameAt);
        if (next && next > current && this.text.startsWith('": "', nameAt + next.length)) yield { at, next };
      }
      if (this.text.startsWith(MAP_END, at)) {
        const after = at + MAP_END.length;
        const follows = (f: string) =>
          f === GROUP_END ? after === this.groupEnd : this.text.startsWith(f, after);
        if (this.followers.some(follows)) yield { at, next: null };
      }
    }
    this.ranOut = true;
  }
}

function matchesFingerprint(labels: Record<string, string>, fingerprint: string | null): boolean {
  if (fingerprint === null) return true;
  if (labelFingerprint(labels) === fingerprint) return true;
  // A template piped through `js` prints escaped values; Alertmanager hashed the unescaped ones.
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) setOwn(decoded, name, decodeGoJs(value));
  return labelFingerprint(decoded) === fingerprint;
}

function toRecord(pairs: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of pairs) setOwn(out, name, value);
  return out;
}
