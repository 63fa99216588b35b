import { gunzipSync, gzipSync } from "node:zlib";
import type { EnrichedAlertGroup } from "./enriched.ts";

/**
 * How an enriched group travels on the internal topic. Enrichment roughly doubles an alert's size, so a group
 * that filled AMP's 256 KB message no longer fits SNS's as plain JSON. Such a group is sent gzipped (alert
 * JSON is repetitive: labels and node facts compress about tenfold) inside a small JSON envelope, so every
 * alert that reached ingest reaches the sinks; only a group too large even then loses alerts
 * (shared/ingest/fit-to-sns.ts). Both sides of the topic (shared/ingest writes; shared/internal-topic reads for notify, scale and verify) import it
 * from here, below both; it stays out of model/index.ts so importing the model's types loads no node:zlib.
 */
export const InternalEncoding = { json: "json", gzipBase64: "gzip+base64" } as const;
export type InternalEncoding = (typeof InternalEncoding)[keyof typeof InternalEncoding];

export interface EncodedGroup {
  body: string;
  encoding: InternalEncoding;
}

/** The envelope of a compressed group: still JSON, still says its schema version. */
interface CompressedEnvelope {
  schemaVersion: 1;
  encoding: typeof InternalEncoding.gzipBase64;
  data: string;
}

/** Plain JSON when it fits `budgetBytes`, else the gzip envelope (whichever it is, the caller checks size). */
export function encodeGroup(group: EnrichedAlertGroup, budgetBytes: number): EncodedGroup {
  const json = JSON.stringify(group);
  if (Buffer.byteLength(json, "utf8") <= budgetBytes) return { body: json, encoding: InternalEncoding.json };
  const envelope: CompressedEnvelope = {
    schemaVersion: 1,
    encoding: InternalEncoding.gzipBase64,
    data: gzipSync(json, { level: 9 }).toString("base64"),
  };
  return { body: JSON.stringify(envelope), encoding: InternalEncoding.gzipBase64 };
}

/** The group's JSON value from a message body, unwrapping the gzip envelope; throws on a broken one. */
export function decodeGroupBody(parsed: unknown): unknown {
  const envelope = parsed as Partial<CompressedEnvelope> | null;
  if (envelope === null || typeof envelope !== "object" || envelope.encoding !== InternalEncoding.gzipBase64)
    return parsed;
  if (typeof envelope.data !== "string") throw new Error("the gzip envelope has no data");
  return JSON.parse(gunzipSync(Buffer.from(envelope.data, "base64")).toString("utf8"));
}
