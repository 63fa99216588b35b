import { buildCli } from "../scripts/build.ts";

/** Builds dist/cli from the current sources before any test runs the CLI, so no test runs a stale bundle. */
export default async function setup(): Promise<void> {
  await buildCli();
}
