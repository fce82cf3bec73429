import assert from "node:assert/strict";
import { test } from "node:test";
import { renderMarkdown, type NodeFactory } from "../src/dom.ts";
import { parseMarkdown } from "../src/markdown.ts";

// A minimal DOM shim: records element tags, attributes and text, and has no HTML parser at all.
class ShimNode {
  children: ShimNode[] = [];
  attributes: Record<string, string> = {};
  constructor(readonly tag: string, readonly text = "") {}
  setAttribute(name: string, value: string) {
    this.attributes[name] = value;
  }
  appendChild(child: ShimNode) {
    this.children.push(child);
    return child;
  }
}
const shim = {
  createElement: (tag: string) => new ShimNode(tag),
  createTextNode: (text: string) => new ShimNode("#text", text),
} as unknown as NodeFactory;

function render(markdown: string): ShimNode {
  const root = new ShimNode("div");
  renderMarkdown(shim, root as unknown as Node, parseMarkdown(markdown), {
    citation: (n) => new ShimNode("sup", `[${n}]`) as unknown as Node,
  });
  return root;
}
function all(node: ShimNode): ShimNode[] {
  return [node, ...node.children.flatMap(all)];
}

test("links open in a new tab without referrer, opener or endorsement", () => {
  const a = all(render("[x](https://example.com)")).find((n) => n.tag === "a")!;
  assert.deepEqual(a.attributes, { href: "https://example.com/", target: "_blank", rel: "noopener noreferrer nofollow" });
});

test("hostile markdown renders only allowed elements and attributes", () => {
  const root = render('<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![a](https://evil/?q=secret) **[y](https://ok.example)**');
  const allowed = new Set(["div", "#text", "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "a", "sup", "del"]);
  for (const n of all(root)) {
    assert.ok(allowed.has(n.tag), n.tag);
    for (const name of Object.keys(n.attributes)) assert.ok(["href", "target", "rel", "class", "start"].includes(name), name);
  }
  assert.deepEqual(all(root).filter((n) => n.tag === "a").map((n) => n.attributes.href), ["https://ok.example/"]);
});

test("citation markers are handed to the citation builder", () => {
  assert.ok(all(render("Yes [2].")).some((n) => n.tag === "sup" && n.text === "[2]"));
});
