import type { Citation, WidgetApi } from "./api.ts";
import { renderMarkdown } from "./dom.ts";
import { h, icon } from "./h.ts";
import { parseMarkdown } from "./markdown.ts";
import type { Strings } from "./strings.ts";

export interface AnswerTurn {
  role: "assistant";
  text: string;
  citations: Citation[];
  messageId?: string;
  rating?: "up" | "down";
}
export interface QuestionTurn {
  role: "user";
  text: string;
}
export type Turn = AnswerTurn | QuestionTurn;

let nextId = 0;

/** One answer bubble: markdown body, citation markers, a sources list and feedback buttons. */
export class AnswerView {
  readonly element: HTMLDivElement;
  private readonly body = h("div", { class: "md" });
  private readonly sources = h("details");
  private readonly actions = h("div", { class: "actions" });
  private readonly id = `pw-a${++nextId}`;
  private pending = 0;

  constructor(
    readonly turn: AnswerTurn,
    private readonly strings: Strings,
    private readonly api: WidgetApi,
    private readonly onRated: () => void,
  ) {
    this.element = h("div", { class: "msg bot" }, this.body, this.sources, this.actions);
    this.render();
    this.renderFeedback();
  }

  set streaming(value: boolean) {
    this.element.setAttribute("aria-busy", String(value));
    this.body.classList.toggle("caret", value && this.turn.text !== "");
    if (value && this.turn.text === "") this.body.replaceChildren(h("span", { class: "typing" }, this.strings.thinking));
  }

  append(text: string): void {
    this.turn.text += text;
    this.schedule();
  }

  setCitations(citations: Citation[]): void {
    this.turn.citations = citations.filter((c) => c && typeof c.n === "number");
    this.schedule();
  }

  finish(messageId: string | undefined): void {
    if (messageId) this.turn.messageId = messageId;
    cancelAnimationFrame(this.pending);
    this.pending = 0;
    this.render();
    this.streaming = false;
    this.renderFeedback();
  }

  private schedule(): void {
    if (!this.pending) this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.render();
    });
  }

  private render(): void {
    if (this.turn.text === "") return;
    this.body.replaceChildren();
    renderMarkdown(document, this.body, parseMarkdown(this.turn.text), { citation: (n) => this.marker(n) });
    this.renderSources();
  }

  private marker(n: number): Node {
    const citation = this.turn.citations.find((c) => c.n === n);
    if (!citation) return h("sup", {}, `[${n}]`);
    const button = h("button", { type: "button", class: "cite", "aria-label": `${this.strings.source} ${n}: ${citation.documentName}`, title: label(citation, this.strings) }, String(n));
    button.addEventListener("click", () => {
      this.sources.open = true;
      const item = this.sources.querySelector<HTMLElement>(`[data-n="${n}"]`);
      this.sources.querySelectorAll(".hl").forEach((e) => e.classList.remove("hl"));
      if (item) {
        item.classList.add("hl");
        item.scrollIntoView({ block: "nearest" });
        item.focus();
      }
    });
    return h("sup", {}, button);
  }

  private renderSources(): void {
    const list = this.turn.citations;
    this.sources.hidden = list.length === 0;
    if (list.length === 0) return;
    const wasOpen = this.sources.open;
    this.sources.replaceChildren(
      h("summary", {}, `${this.strings.sources} (${list.length})`),
      h("ol", {}, ...list.map((c) =>
        h("li", { value: String(c.n), "data-n": String(c.n), id: `${this.id}-${c.n}`, tabindex: "-1" },
          h("strong", {}, label(c, this.strings)),
          c.snippet ? h("span", { class: "snippet" }, c.snippet) : null))),
    );
    this.sources.open = wasOpen;
  }

  private renderFeedback(): void {
    const messageId = this.turn.messageId;
    if (!messageId) return;
    const up = h("button", { type: "button", "aria-label": this.strings.helpful, title: this.strings.helpful, "aria-pressed": String(this.turn.rating === "up") }, icon("up"));
    const down = h("button", { type: "button", "aria-label": this.strings.notHelpful, title: this.strings.notHelpful, "aria-pressed": String(this.turn.rating === "down") }, icon("down"));
    const status = h("span", { role: "status" });
    this.actions.replaceChildren(up, down, status);
    if (this.turn.rating) {
      up.disabled = down.disabled = true;
      return;
    }
    const send = async (rating: "up" | "down", comment?: string) => {
      up.disabled = down.disabled = true;
      try {
        await this.api.feedback(messageId, rating, comment);
        this.turn.rating = rating;
        this.onRated();
        this.renderFeedback();
        this.actions.querySelector("[role=status]")!.textContent = this.strings.thanks;
      } catch {
        up.disabled = down.disabled = false;
        status.textContent = this.strings.feedbackFailed;
      }
    };
    up.addEventListener("click", () => void send("up"));
    down.addEventListener("click", () => {
      down.setAttribute("aria-pressed", "true");
      up.disabled = down.disabled = true;
      const text = h("textarea", { "aria-label": this.strings.comment, placeholder: this.strings.comment, maxlength: "2000" });
      const submit = h("button", { type: "submit" }, this.strings.sendFeedback);
      const skip = h("button", { type: "button" }, this.strings.skip);
      const form = h("form", { class: "comment" }, text, h("div", { class: "actions" }, submit, skip));
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        void send("down", text.value.trim() || undefined);
      });
      skip.addEventListener("click", () => void send("down"));
      this.actions.append(form);
      text.focus();
    });
  }
}

function label(c: Citation, strings: Strings): string {
  return c.page != null ? `${c.documentName}, ${strings.page} ${c.page}` : c.documentName;
}
