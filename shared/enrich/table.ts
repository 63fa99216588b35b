import type { ObjectMeta, Table } from "../cluster/kube-objects.ts";

/** One Table row read by column name, with the row's metadata when the list asked for it. */
export interface TableRecord {
  cells: Record<string, unknown>;
  metadata: ObjectMeta | null;
}

/**
 * Reads the server-side printed form by column name rather than position: column order differs between
 * Kubernetes versions, names do not.
 */
export function tableRecords(table: Table): TableRecord[] {
  const names = (table.columnDefinitions ?? []).map((column) => column.name);
  return (table.rows ?? []).map((row) => {
    const cells: Record<string, unknown> = {};
    names.forEach((name, index) => {
      cells[name] = row.cells[index];
    });
    const object = row.object as { metadata?: ObjectMeta } | undefined;
    return { cells, metadata: object?.metadata ?? null };
  });
}

/** A cell as text, with kubectl's `<none>`/`<unknown>` placeholders read as absent. */
export function cellText(record: TableRecord, column: string): string | null {
  const value = record.cells[column];
  if (value === undefined || value === null) return null;
  const text = String(value).trim();
  if (text === "" || text === "<none>" || text === "<unknown>") return null;
  return text;
}
