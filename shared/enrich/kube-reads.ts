import type { KubeApi } from "../cluster/kube-api.ts";
import { KubeAccept, type List, type ListMeta, type Table } from "../cluster/kube-objects.ts";
import { EnrichLimits } from "./constants.ts";
import { type TableRecord, tableRecords } from "./table.ts";

/**
 * The few read patterns enrichment uses, over the narrow KubeApi: lists that follow `continue`, the Table
 * form with or without metadata, and counts from `limit=1` + `remainingItemCount`.
 */

export type Query = Record<string, string | undefined>;

/** A `kubernetes.io/hostname in (a,b)`-style selector; values must be valid label values. */
export function inSelector(key: string, values: readonly string[]): string {
  return `${key} in (${values.join(",")})`;
}

/** Splits values so each selector stays under `maxChars`, the request line limit of servers and proxies. */
export function chunkByLength(values: readonly string[], maxChars: number): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    if (current.length > 0 && length + value.length + 1 > maxChars) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    current.push(value);
    length += value.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** A label value is at most 63 characters of [A-Za-z0-9._-]; a node name that is not cannot be selected on. */
export function isLabelValue(text: string): boolean {
  return text.length <= 63 && /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?$/.test(text);
}

export async function listItems<T>(kube: KubeApi, path: string, query: Query = {}): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page: List<T> = await kube.get<List<T>>(path, { query: { ...query, continue: token } });
    items.push(...(page.items ?? []));
    token = nextToken(page.metadata);
  } while (token);
  return items;
}

export type IncludeObject = "None" | "Metadata";

export async function listTable(
  kube: KubeApi,
  path: string,
  query: Query = {},
  includeObject: IncludeObject = "None",
): Promise<TableRecord[]> {
  const records: TableRecord[] = [];
  let token: string | undefined;
  do {
    const page = await kube.get<Table>(path, {
      accept: KubeAccept.table,
      query: { limit: String(EnrichLimits.tablePageSize), ...query, includeObject, continue: token },
    });
    records.push(...tableRecords(page));
    token = nextToken(page.metadata);
  } while (token);
  return records;
}

/**
 * How many objects a path lists, in one small request when the server reports `remainingItemCount`. It does
 * not with label or field selectors; then the rows are counted from a Table list without objects.
 */
export async function countObjects(kube: KubeApi, path: string, query: Query = {}): Promise<number> {
  const page = await kube.get<Table>(path, {
    accept: KubeAccept.table,
    query: { ...query, limit: "1", includeObject: "None" },
  });
  const rows = page.rows?.length ?? 0;
  const token = nextToken(page.metadata);
  if (!token) return rows;
  if (typeof page.metadata.remainingItemCount === "number") return rows + page.metadata.remainingItemCount;
  return (await listTable(kube, path, query)).length;
}

function nextToken(metadata: ListMeta | undefined): string | undefined {
  return metadata?.continue ? metadata.continue : undefined;
}
