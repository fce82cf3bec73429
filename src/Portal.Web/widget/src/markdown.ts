// Markdown → a tree of plain, safe nodes. The tree can only describe the elements below, so no input
// can produce raw HTML, an image, an event handler or a non-http(s) link; dom.ts turns it into DOM
// nodes with createElement/createTextNode. Every step is a single left-to-right scan (no regex that
// can backtrack over more than one line), so cost stays linear in the input.

export type BlockTag = "p" | "ul" | "ol" | "li" | "pre" | "h";
export type InlineTag = "strong" | "em" | "code" | "del";

export type MdNode =
  | { kind: "text"; text: string }
  | { kind: "br" }
  | { kind: "cite"; n: number }
  | { kind: "link"; href: string; children: MdNode[] }
  | { kind: "element"; tag: BlockTag | InlineTag; children: MdNode[]; start?: number };

const MAX_URL = 2048;

/** The URL if it is an absolute http(s) URL, else null. Anything else (javascript:, data:, relative) is refused. */
export function safeHref(raw: string): string | null {
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_URL) return null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 32 || c === 127) return null;
  }
  if (!/^https?:\/\//i.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
}

// ---------- blocks ----------

interface ListFrame {
  indent: number;
  node: MdNode & { kind: "element" };
}

const fence = /^ {0,3}(`{3,}|~{3,})/;
const bullet = /^( *)([-*+]|\d{1,9}[.)])[ \t]+/;
const heading = /^ {0,3}#{1,6}[ \t]+/;

export function parseMarkdown(source: string): MdNode[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: MdNode[] = [];
  let paragraph: string[] = [];
  let lists: ListFrame[] = [];
  let item: { lines: string[]; node: MdNode & { kind: "element" } } | null = null;

  const flushItem = () => {
    if (item) item.node.children = parseInline(item.lines.join("\n"));
    item = null;
  };
  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push(el("p", parseInline(paragraph.join("\n"))));
    paragraph = [];
  };
  const closeLists = () => {
    flushItem();
    lists = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = fence.exec(line);
    if (open) {
      flushParagraph();
      closeLists();
      const marker = open[1]!;
      const body: string[] = [];
      for (i++; i < lines.length; i++) {
        const l = lines[i]!;
        const close = fence.exec(l);
        if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length && l.trim() === close[1]) break;
        body.push(l);
      }
      blocks.push(el("pre", [el("code", [text(body.join("\n"))])]));
      continue;
    }
    if (line.trim() === "") {
      flushParagraph();
      closeLists();
      continue;
    }
    const b = bullet.exec(line);
    if (b) {
      flushParagraph();
      flushItem();
      const indent = b[1]!.length;
      const ordered = b[2]!.length > 1 || /\d/.test(b[2]!);
      const tag = ordered ? "ol" : "ul";
      while (lists.length > 0 && indent < lists[lists.length - 1]!.indent) lists.pop();
      let top = lists[lists.length - 1];
      if (top && indent > top.indent) {
        // A deeper item starts a list nested in the previous item.
        const parentItem = top.node.children[top.node.children.length - 1] as (MdNode & { kind: "element" }) | undefined;
        const nested = el(tag, []);
        if (parentItem) parentItem.children.push(nested);
        else top.node.children.push(nested);
        top = { indent, node: nested };
        lists.push(top);
      } else if (!top || top.node.tag !== tag) {
        if (top) lists.pop();
        const list = el(tag, []);
        if (ordered) {
          const n = parseInt(b[2]!, 10);
          if (n !== 1) list.start = n;
        }
        const parent = lists[lists.length - 1];
        if (parent) parent.node.children.push(list);
        else blocks.push(list);
        top = { indent, node: list };
        lists.push(top);
      }
      const li = el("li", []);
      top.node.children.push(li);
      item = { lines: [line.slice(b[0].length)], node: li };
      continue;
    }
    if (item) {
      // A line right after an item continues it (lazy continuation).
      item.lines.push(line.trim());
      continue;
    }
    const h = heading.exec(line);
    if (h) {
      flushParagraph();
      blocks.push(el("h", parseInline(line.slice(h[0].length).replace(/[ \t]#+[ \t]*$/, ""))));
      continue;
    }
    paragraph.push(line);
  }
  flushParagraph();
  closeLists();
  return blocks;
}

// ---------- inlines ----------

type Marker = "**" | "__" | "*" | "_" | "~~" | "[" | "![";

interface Frame {
  marker: Marker;
  children: MdNode[];
}

function isSpace(c: string | undefined): boolean {
  return c === undefined || c === " " || c === "\t" || c === "\n";
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

export function parseInline(source: string): MdNode[] {
  const root: Frame = { marker: "[", children: [] };
  const stack: Frame[] = [root];
  const closingRun = backtickRuns(source);
  const nextUrlEnd = stopScanner(source, isUrlEnd);
  const nextAutolinkEnd = stopScanner(source, isAutolinkEnd);
  let buf = "";
  const top = () => stack[stack.length - 1]!;
  const flush = () => {
    if (buf) appendText(top().children, buf);
    buf = "";
  };
  // Turns an unmatched frame back into its literal marker followed by its content.
  const dissolve = (frame: Frame, into: MdNode[]) => {
    appendText(into, frame.marker);
    spill(frame.children, into);
  };
  const popTo = (index: number) => {
    while (stack.length - 1 > index) {
      const f = stack.pop()!;
      dissolve(f, top().children);
    }
  };
  const indexOf = (marker: Marker) => {
    for (let k = stack.length - 1; k > 0; k--) if (stack[k]!.marker === marker) return k;
    return -1;
  };

  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i]!;

    if (c === "\\" && i + 1 < n && /[\\`*_{}\[\]()#+\-.!~<>|]/.test(source[i + 1]!)) {
      buf += source[i + 1];
      i += 2;
      continue;
    }
    if (c === "\n") {
      flush();
      top().children.push({ kind: "br" });
      i++;
      continue;
    }
    if (c === "`") {
      let run = 1;
      while (source[i + run] === "`") run++;
      const close = closingRun(run, i + run);
      if (close < 0) {
        buf += source.slice(i, i + run);
        i += run;
        continue;
      }
      flush();
      let code = source.slice(i + run, close).replace(/\n/g, " ");
      if (code.length > 1 && code[0] === " " && code[code.length - 1] === " " && code.trim() !== "") code = code.slice(1, -1);
      top().children.push(el("code", [text(code)]));
      i = close + run;
      continue;
    }
    if (c === "*" || c === "_" || (c === "~" && source[i + 1] === "~")) {
      // In "***" closing "**x *y***", the inner single marker closes first.
      const double = source[i + 1] === c && !(top().marker === c && !isSpace(source[i - 1]));
      const marker = (double ? c + c : c) as Marker;
      const len = marker.length;
      const before = source[i - 1];
      const after = source[i + len];
      const intraword = c === "_" && isWordChar(before) && isWordChar(after);
      const canClose = !isSpace(before) && !intraword;
      const canOpen = !isSpace(after) && !intraword;
      const open = indexOf(marker);
      if (open > 0 && canClose) {
        flush();
        popTo(open);
        const frame = stack.pop()!;
        const tag: InlineTag = marker === "~~" ? "del" : len === 2 ? "strong" : "em";
        top().children.push(el(tag, frame.children));
      } else if (canOpen && (c !== "~" || double)) {
        flush();
        stack.push({ marker, children: [] });
      } else {
        buf += marker;
      }
      i += len;
      continue;
    }
    if (c === "[" || (c === "!" && source[i + 1] === "[")) {
      if (c === "[") {
        const cite = citationAt(source, i);
        if (cite) {
          flush();
          top().children.push({ kind: "cite", n: cite.n });
          i = cite.end;
          continue;
        }
      }
      flush();
      // Only the innermost bracket can become a link: an older open one turns back into text
      // (an image may sit inside a link, as in a linked badge).
      const older = c === "!" ? indexOf("![") : Math.max(indexOf("["), indexOf("!["));
      if (older > 0) {
        const f = stack.splice(older, 1)[0]!;
        const parent = stack[older - 1]!.children;
        const moved: MdNode[] = [];
        dissolve(f, moved);
        parent.push(...moved);
      }
      const marker: Marker = c === "!" ? "![" : "[";
      stack.push({ marker, children: [] });
      i += marker.length;
      continue;
    }
    if (c === "]") {
      const open = Math.max(indexOf("["), indexOf("!["));
      if (open > 0) {
        flush();
        popTo(open);
        const frame = stack.pop()!;
        const target = source[i + 1] === "(" ? linkTarget(source, i + 2, nextUrlEnd) : null;
        if (target && frame.marker === "![") {
          // Never an <img>: a remote image would fetch (and leak) on render. Show its alt text.
          spill(frame.children, top().children);
          i = target.end;
          continue;
        }
        if (target) {
          const href = safeHref(target.url);
          if (href) top().children.push({ kind: "link", href, children: frame.children });
          else spill(frame.children, top().children);
          i = target.end;
          continue;
        }
        dissolve(frame, top().children);
        buf += "]";
        i++;
        continue;
      }
      buf += c;
      i++;
      continue;
    }
    if ((c === "h" || c === "H") && !isWordChar(source[i - 1])) {
      const auto = autolinkAt(source, i, nextAutolinkEnd);
      if (auto) {
        flush();
        top().children.push({ kind: "link", href: auto.href, children: [text(source.slice(i, auto.end))] });
        i = auto.end;
        continue;
      }
    }
    buf += c;
    i++;
  }
  flush();
  popTo(0);
  return root.children;
}

/**
 * Finds closing backtick runs. All runs are indexed once by length and each length keeps a cursor
 * that only moves forward, so a text full of unmatched backticks costs one pass, not one per run.
 */
function backtickRuns(source: string): (length: number, from: number) => number {
  let runs: Map<number, number[]> | null = null;
  const cursors = new Map<number, number>();
  return (length, from) => {
    if (!runs) {
      runs = new Map();
      for (let i = source.indexOf("`"); i >= 0; ) {
        let len = 1;
        while (source[i + len] === "`") len++;
        const list = runs.get(len) ?? [];
        list.push(i);
        runs.set(len, list);
        i = source.indexOf("`", i + len);
      }
    }
    const list = runs.get(length);
    if (!list) return -1;
    let k = cursors.get(length) ?? 0;
    while (k < list.length && list[k]! < from) k++;
    cursors.set(length, k);
    return k < list.length ? list[k]! : -1;
  };
}

function citationAt(source: string, i: number): { n: number; end: number } | null {
  let j = i + 1;
  while (j < source.length && j - i <= 3 && source.charCodeAt(j) >= 48 && source.charCodeAt(j) <= 57) j++;
  if (j === i + 1 || source[j] !== "]" || source[j + 1] === "(") return null;
  return { n: parseInt(source.slice(i + 1, j), 10), end: j + 1 };
}

/**
 * Finds, for any position, the first later position whose character satisfies `stop`. Successive
 * queries reuse the previous answer, so a text full of "](" or "http" costs one scan in total
 * instead of one per occurrence.
 */
function stopScanner(source: string, stop: (c: string) => boolean): (from: number) => number {
  let lastFrom = 0;
  let lastStop = -1;
  return (from) => {
    if (from >= lastFrom && from <= lastStop) return lastStop;
    let j = from;
    while (j < source.length && !stop(source[j]!)) j++;
    lastFrom = from;
    lastStop = j;
    return j;
  };
}

const isUrlEnd = (c: string) => c === ")" || c === " " || c === "\t" || c === "\n";
const isAutolinkEnd = (c: string) => /[\s<>"'`]/.test(c);

// Link destinations end at the first ')' or whitespace: no titles and no parentheses inside URLs,
// which keeps the scan linear (write "%28"/"%29" for parentheses).
function linkTarget(source: string, from: number, nextUrlEnd: (from: number) => number): { url: string; end: number } | null {
  let start = from;
  while (source[start] === " ") start++;
  const stop = nextUrlEnd(start);
  if (source[stop] !== ")") return null;
  return { url: source.slice(start, stop), end: stop + 1 };
}

function autolinkAt(source: string, i: number, nextEnd: (from: number) => number): { href: string; end: number } | null {
  const head = source.slice(i, i + 8).toLowerCase();
  if (!head.startsWith("http://") && !head.startsWith("https://")) return null;
  let end = nextEnd(i);
  while (end > i && /[.,;:!?)\]*_]/.test(source[end - 1]!)) end--;
  if (end - i > MAX_URL) return null;
  const href = safeHref(source.slice(i, end));
  return href && end > i + 8 ? { href, end } : null;
}

function text(value: string): MdNode {
  return { kind: "text", text: value };
}

function el(tag: BlockTag | InlineTag, children: MdNode[]): MdNode & { kind: "element" } {
  return { kind: "element", tag, children };
}

function spill(children: MdNode[], into: MdNode[]): void {
  for (const child of children) {
    if (child.kind === "text") appendText(into, child.text);
    else into.push(child);
  }
}

function appendText(into: MdNode[], value: string): void {
  const last = into[into.length - 1];
  if (last && last.kind === "text") last.text += value;
  else into.push(text(value));
}
