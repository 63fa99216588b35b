// Tests parse ROUTES with regexes directly (parseRoutes), as the CLI and ingest do after loadRoutes: the RE2
// engine those load on demand is loaded here once for every test file.
import { loadRegexEngine } from "../shared/route/regex-engine.ts";

await loadRegexEngine();
