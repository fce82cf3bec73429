import assert from "node:assert/strict";
import { test } from "node:test";
import { parseInline, parseMarkdown, safeHref, type MdNode } from "../src/markdown.ts";

const t = (text: string): MdNode => ({ kind: "text", text });
const el = (tag: string, ...children: MdNode[]) => ({ kind: "element", tag, children }) as MdNode;
const p = (...children: MdNode[]) => el("p", ...children);

/** Every node kind the renderer can be handed: used to prove hostile input stays inside it. */
function walk(nodes: MdNode[], visit: (n: MdNode) => void): void {
  for (const n of nodes) {
    visit(n);
    if ("children" in n) walk(n.children, visit);
  }
}
const allowedTags = new Set(["p", "ul", "ol", "li", "pre", "h", "strong", "em", "code", "del"]);
function assertSafe(nodes: MdNode[]): void {
  walk(nodes, (n) => {
    if (n.kind === "element") assert.ok(allowedTags.has(n.tag), `unexpected tag ${n.tag}`);
    if (n.kind === "link") assert.match(n.href, /^https?:\/\//);
  });
}
function plain(nodes: MdNode[]): string {
  let out = "";
  walk(nodes, (n) => {
    if (n.kind === "text") out += n.text;
  });
  return out;
}

test("paragraphs are split by blank lines and single newlines become line breaks", () => {
  assert.deepEqual(parseMarkdown("one\ntwo\n\nthree"), [p(t("one"), { kind: "br" }, t("two")), p(t("three"))]);
});

test("bold, italic, strikethrough and code render as their elements", () => {
  assert.deepEqual(parseInline("**b** *i* _j_ ~~d~~ `c`"), [
    el("strong", t("b")), t(" "), el("em", t("i")), t(" "), el("em", t("j")), t(" "), el("del", t("d")), t(" "), el("code", t("c")),
  ]);
});

test("markers inside code spans are literal", () => {
  assert.deepEqual(parseInline("`**not bold** <b>`"), [el("code", t("**not bold** <b>"))]);
});

test("nested emphasis nests", () => {
  assert.deepEqual(parseInline("**bold *and italic***"), [el("strong", t("bold "), el("em", t("and italic")))]);
});

test("unclosed markers stay as literal text", () => {
  assert.deepEqual(parseInline("**open *also `tick [link"), [t("**open *also `tick [link")]);
});

test("arithmetic and snake_case are not emphasis", () => {
  assert.deepEqual(parseInline("2 * 3 * 4 and snake_case_name"), [t("2 * 3 * 4 and snake_case_name")]);
});

test("backslash escapes make markers literal", () => {
  assert.deepEqual(parseInline("\\*not\\* \\[1\\]"), [t("*not* [1]")]);
});

test("fenced code blocks keep their content verbatim, markdown and HTML included", () => {
  assert.deepEqual(parseMarkdown("```js\nconst a = **1**;\n<script>x</script>\n```\nafter"), [
    el("pre", el("code", t("const a = **1**;\n<script>x</script>"))),
    p(t("after")),
  ]);
});

test("an unclosed fence runs to the end", () => {
  assert.deepEqual(parseMarkdown("~~~\ncode"), [el("pre", el("code", t("code")))]);
});

test("bullet and numbered lists, with nesting and a start number", () => {
  const tree = parseMarkdown("- a\n- b\n  - c\n\n3. x\n4. y");
  assert.deepEqual(tree, [
    el("ul", el("li", t("a")), el("li", t("b"), el("ul", el("li", t("c"))))),
    { kind: "element", tag: "ol", start: 3, children: [el("li", t("x")), el("li", t("y"))] },
  ]);
});

test("headings become a bold paragraph", () => {
  assert.deepEqual(parseMarkdown("## Setup ##"), [el("h", t("Setup"))]);
});

test("http and https links become links", () => {
  assert.deepEqual(parseInline("[docs](https://example.com/a?b=1) [old](http://example.com)"), [
    { kind: "link", href: "https://example.com/a?b=1", children: [t("docs")] },
    t(" "),
    { kind: "link", href: "http://example.com/", children: [t("old")] },
  ]);
});

test("bare URLs become links without their trailing punctuation", () => {
  assert.deepEqual(parseInline("see https://example.com/x."), [
    t("see "),
    { kind: "link", href: "https://example.com/x", children: [t("https://example.com/x")] },
    t("."),
  ]);
});

test("citation markers become citation nodes but [1](url) stays a link", () => {
  assert.deepEqual(parseInline("Yes[1][2]. [3](https://e.com)"), [
    t("Yes"), { kind: "cite", n: 1 }, { kind: "cite", n: 2 }, t(". "),
    { kind: "link", href: "https://e.com/", children: [t("3")] },
  ]);
});

test("raw HTML is text, never markup", () => {
  const input = '<script>alert(1)</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">x</a>';
  const tree = parseMarkdown(input);
  assert.deepEqual(tree, [p(t(input))]);
  assertSafe(tree);
});

test("javascript:, data:, vbscript: and relative links render as their text only", () => {
  for (const url of ["javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<b>", "vbscript:x", "/relative", "//evil.example/x", "https:/x y"]) {
    const tree = parseInline(`[click](${url})`);
    walk(tree, (n) => assert.notEqual(n.kind, "link", url));
    assert.ok(plain(tree).includes("click"), url);
  }
});

test("images never become images or fetch anything: only the alt text remains", () => {
  const tree = parseMarkdown("before ![a secret](https://evil/?q=secret) after");
  assert.deepEqual(tree, [p(t("before a secret after"))]);
  assert.ok(!JSON.stringify(tree).includes("evil"));
});

test("an image inside a link keeps the link but not the image", () => {
  const tree = parseInline("[![logo](https://evil/x.png)](https://example.com)");
  assert.deepEqual(tree, [{ kind: "link", href: "https://example.com/", children: [t("logo")] }]);
});

test("safeHref accepts only absolute http(s) URLs", () => {
  assert.equal(safeHref("https://example.com/a b"), null);
  assert.equal(safeHref(" https://example.com/ "), "https://example.com/");
  assert.equal(safeHref("mailto:a@b.c"), null);
  assert.equal(safeHref("https://" + "a".repeat(3000)), null);
});

test("hostile nesting and unbalanced markers produce a safe tree", () => {
  for (const input of ["**[*`a*]**(`", "[[[[x](https://a.b)]]]]", "*_*_*_*_", "![![![x](y)](z)](https://e.f)", "**a [b** c](https://d.e)", "`` ` ``"]) {
    assertSafe(parseMarkdown(input));
  }
});

const linear = (name: string, make: (n: number) => string) =>
  test(`long hostile input stays linear: ${name}`, () => {
    const small = make(20_000);
    const large = make(200_000);
    const time = (s: string) => {
      const started = process.hrtime.bigint();
      assertSafe(parseMarkdown(s));
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    time(small);
    const a = time(small);
    const b = time(large);
    // Ten times the input may take at most ~30 times as long (generous for noisy machines), and stays fast.
    assert.ok(b < Math.max(a, 5) * 30 && b < 3000, `${a.toFixed(1)} ms → ${b.toFixed(1)} ms`);
  });

linear("unclosed brackets", (n) => "[".repeat(n));
linear("link openers without a closer", (n) => "[a](".repeat(n / 4));
linear("links with long URLs", (n) => "[a](https://x/" + "b".repeat(n));
linear("emphasis markers", (n) => "*_".repeat(n / 2));
linear("backtick runs of growing length", (n) => {
  let s = "";
  for (let k = 1; s.length < n; k++) s += "`".repeat(k) + "x";
  return s;
});
linear("bare URL starts", (n) => "http://".repeat(n / 7));
linear("many list items", (n) => "- item\n".repeat(n / 7));
linear("a single enormous line", (n) => "word ".repeat(n / 5));
