import { type Env, readString } from "../config/env.ts";
import { loadRegexEngine } from "./regex-engine.ts";
import type { Routes } from "./routes.ts";
import { routesFromEnv } from "./routes-from-env.ts";

/** Whether ROUTES may hold a regex matcher; a false positive (`=~` inside a quoted value) only loads RE2. */
export function mayHoldRegex(text: string | undefined): boolean {
  return text !== undefined && /[=!]~/.test(text);
}

/** ROUTES from the environment, with the RE2 engine loaded first when a matcher needs it. */
export async function loadRoutes(env: Env): Promise<Routes> {
  if (mayHoldRegex(readString(env, "ROUTES"))) await loadRegexEngine();
  return routesFromEnv(env);
}
