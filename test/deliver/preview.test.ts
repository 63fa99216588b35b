import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BLOCK_KIT_BUILDER_URL,
  blockKitBuilderUrl,
  mrkdwnToHtml,
  renderSlackHtmlPreview,
} from "../../shared/deliver/preview.ts";
import { renderSlackMessage } from "../../shared/deliver/slack/index.ts";
import { HOSTILE_VALUES, hostileGroup, makeGroup } from "../support/deliver-fixtures.ts";

describe("blockKitBuilderUrl", () => {
  it("encodes exactly the message's blocks after the builder's #", () => {
    const message = renderSlackMessage(makeGroup());
    const url = blockKitBuilderUrl(message);
    expect(url.startsWith(BLOCK_KIT_BUILDER_URL)).toBe(true);
    expect(JSON.parse(decodeURIComponent(url.slice(BLOCK_KIT_BUILDER_URL.length)))).toEqual({
      blocks: message.blocks,
    });
    expect(new URL(url).hostname).toBe("app.slack.com");
  });
});

describe("renderSlackHtmlPreview", () => {
  it("shows the header, table, links and emoji of a message", () => {
    const html = renderSlackHtmlPreview(renderSlackMessage(makeGroup()));
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<h1>🚨 FIRING: LinkLocalAllowanceExceeded · prod-eu</h1>");
    expect(html).toContain(
      '<a href="https://runbooks.example.com/linklocal" rel="noopener noreferrer">Runbook</a>',
    );
    expect(html).toMatch(/<pre>NODE\s+TYPE/);
    expect(html).toContain("<b>Cluster</b><br>prod-eu");
    expect(html).toContain("default-src 'none'");
  });

  it("approximates mrkdwn", () => {
    expect(mrkdwnToHtml("*b* _i_ ~s~ `c` <https://x.example/a?b=1&amp;c=2|go>\nnext")).toBe(
      '<b>b</b> <i>i</i> <s>s</s> <code>c</code> <a href="https://x.example/a?b=1&amp;c=2" rel="noopener noreferrer">go</a><br>next',
    );
  });

  it("decodes Slack entities once and escapes for HTML, so label values stay text", () => {
    expect(mrkdwnToHtml("&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;")).toBe(
      "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;",
    );
  });

  it("property: hostile group values never produce markup, scripts or non-http links", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(
            ...HOSTILE_VALUES,
            "<script>x</script>",
            '"><img src=x onerror=alert(1)>',
            "javascript:alert(1)",
          ),
          fc.string({
            unit: fc.constantFrom("<", ">", "&", '"', "'", "`", "*", "_", "|", "a", "\n"),
            maxLength: 200,
          }),
        ),
        (value) => {
          const html = renderSlackHtmlPreview(renderSlackMessage(hostileGroup(value, 2)));
          const tags = [...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((match) => match[1]?.toLowerCase());
          for (const tag of tags) {
            expect([
              "html",
              "head",
              "meta",
              "title",
              "style",
              "body",
              "div",
              "h1",
              "b",
              "i",
              "s",
              "code",
              "pre",
              "a",
              "br",
              "hr",
              "time",
            ]).toContain(tag);
          }
          expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
          for (const match of html.matchAll(/href="([^"]*)"/g)) expect(match[1]).toMatch(/^https?:\/\//);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the preview renders what the message uses", () => {
  it("bold code, code blocks, links and the first line's emoji", () => {
    const html = mrkdwnToHtml(
      ":dart: *Most likely:* `COREDNS_ON_SPOT` why\n*`COREDNS_ON_SPOT`* reason\n*Fix:* move it\n```\nkubectl -n kube-system get pods\n```\n<https://example.com/runbook#coredns_on_spot|runbook>",
    );
    expect(html).toContain("🎯 <b>Most likely:</b> <code>COREDNS_ON_SPOT</code> why");
    expect(html).toContain("<b><code>COREDNS_ON_SPOT</code></b> reason");
    expect(html).toContain("<pre>kubectl -n kube-system get pods</pre>");
    expect(html).toContain(
      '<a href="https://example.com/runbook#coredns_on_spot" rel="noopener noreferrer">runbook</a>',
    );
  });
});
