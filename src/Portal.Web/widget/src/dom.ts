import type { MdNode } from "./markdown.ts";
import { safeHref } from "./markdown.ts";

/** The part of `document` the renderer uses, so tests can pass a small shim. */
export interface NodeFactory {
  createElement(tag: string): HTMLElement;
  createTextNode(text: string): Text;
}

export interface RenderOptions {
  /** Builds the element for a citation marker [n]. */
  citation(n: number): Node;
}

const blockTags: Record<string, string> = { h: "p", p: "p", ul: "ul", ol: "ol", li: "li", pre: "pre" };

/** Appends the tree to `parent` using only createElement/createTextNode: never innerHTML. */
export function renderMarkdown(doc: NodeFactory, parent: Node, nodes: MdNode[], options: RenderOptions): void {
  for (const node of nodes) {
    switch (node.kind) {
      case "text":
        parent.appendChild(doc.createTextNode(node.text));
        break;
      case "br":
        parent.appendChild(doc.createElement("br"));
        break;
      case "cite":
        parent.appendChild(options.citation(node.n));
        break;
      case "link": {
        // Checked again here so a tree built by anything else cannot smuggle in another scheme.
        const href = safeHref(node.href);
        if (!href) {
          renderMarkdown(doc, parent, node.children, options);
          break;
        }
        const a = doc.createElement("a");
        a.setAttribute("href", href);
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer nofollow");
        renderMarkdown(doc, a, node.children, options);
        parent.appendChild(a);
        break;
      }
      case "element": {
        const e = doc.createElement(blockTags[node.tag] ?? node.tag);
        if (node.tag === "h") e.setAttribute("class", "md-h");
        if (node.start !== undefined) e.setAttribute("start", String(node.start));
        renderMarkdown(doc, e, node.children, options);
        parent.appendChild(e);
        break;
      }
    }
  }
}
