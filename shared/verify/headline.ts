/**
 * The wording moved below deliver and verify (shared/model/), which both use it; this re-export keeps the
 * imports in shared/deliver/pagerduty/ and shared/deliver/slack-app/ working until those files import it there.
 */
export { verificationHeadline } from "../model/verification-headline.ts";
