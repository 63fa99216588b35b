/**
 * An EKS add-on's configuration values as data. EKS accepts JSON or YAML; JSON (what the console and most
 * pipelines write) is read without loading the YAML parser, which is imported only for YAML text.
 * Unreadable values read as null (unset), as EKS itself would reject them.
 */
export async function parseConfigurationValues(text: string | null): Promise<unknown> {
  if (!text?.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    // not JSON: YAML below
  }
  try {
    const { parse } = await import("../lazy/yaml.ts");
    return parse(text);
  } catch {
    return null;
  }
}
