import { type Env, readString } from "../config/env.ts";
import { parseRoutes } from "./parse-routes.ts";
import { DEFAULT_ROUTES, type Routes } from "./routes.ts";

/** ROUTES from the environment, parsed once at start-up; unset or blank means everything goes to Slack. */
export function routesFromEnv(env: Env): Routes {
  const text = readString(env, "ROUTES");
  if (text === undefined) return { rules: [], defaultSinks: [...DEFAULT_ROUTES.defaultSinks] };
  return parseRoutes(text);
}
