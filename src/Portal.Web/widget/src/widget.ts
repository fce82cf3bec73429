import { WidgetApi, WidgetError, type WidgetConfig } from "./api.ts";
import { h, icon } from "./h.ts";
import { AnswerView, type AnswerTurn, type Turn } from "./messages.ts";
import type { KeyValueStore } from "./storage.ts";
import type { Strings } from "./strings.ts";
import { css } from "./styles.ts";

export interface WidgetOptions {
  base: string;
  key: string;
  api: WidgetApi;
  session: KeyValueStore;
  strings: Strings;
  lang: string;
  position: "left" | "right" | null;
}

const MAX_TURNS = 40;

/** The bubble and chat panel, in an open shadow root (see README: "Why an open shadow root"). */
export class ChatWidget {
  private readonly root = h("div", { class: "root" });
  private readonly bubble = h("button", { type: "button", class: "bubble", "aria-expanded": "false", "aria-controls": "pw-panel" }, icon("chat"));
  private readonly title = h("h2", { id: "pw-title" });
  private readonly notice = h("div", { class: "notice", role: "status" });
  private readonly log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
  private readonly input = h("textarea", { rows: "1" });
  private readonly sendButton = h("button", { type: "submit" });
  private readonly panel = h("div", { class: "panel", id: "pw-panel", role: "dialog", "aria-labelledby": "pw-title", hidden: true });
  private readonly header = h("header", {}, this.title);
  private readonly poweredBy = h("div", { class: "powered", hidden: true });
  private avatar: HTMLImageElement | null = null;
  private turns: Turn[] = [];
  private welcome = "";
  private abort: AbortController | null = null;
  private blockedUntil = 0;
  private conversationKey: string;
  private transcriptKey: string;

  constructor(private readonly o: WidgetOptions) {
    const s = o.strings;
    this.conversationKey = `portal-widget:${o.key}:conversation`;
    this.transcriptKey = `portal-widget:${o.key}:transcript`;
    this.root.lang = o.lang;
    this.bubble.setAttribute("aria-label", s.open);
    const newChat = h("button", { type: "button", class: "icon", "aria-label": s.newChat, title: s.newChat }, icon("plus"));
    const close = h("button", { type: "button", class: "icon", "aria-label": s.close, title: s.close }, icon("close"));
    this.header.append(newChat, close);
    this.input.setAttribute("aria-label", s.message);
    this.input.setAttribute("maxlength", "4000");
    const composer = h("form", { class: "composer" }, this.input, this.sendButton);
    this.poweredBy.textContent = s.poweredBy;
    this.panel.append(this.header, this.notice, this.log, composer, this.poweredBy);
    this.root.append(this.bubble, this.panel);

    this.bubble.addEventListener("click", () => (this.panel.hidden ? this.open(true) : this.close()));
    close.addEventListener("click", () => this.close());
    newChat.addEventListener("click", () => this.reset());
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.close();
      }
    });
    composer.addEventListener("submit", (e) => {
      e.preventDefault();
      if (this.abort) this.abort.abort();
      else this.ask(this.input.value);
    });
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        composer.requestSubmit();
      }
    });
    this.input.addEventListener("input", () => {
      this.input.style.height = "auto";
      this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
    });
    addEventListener("online", () => this.updateState());
    addEventListener("offline", () => this.updateState());
    this.applyConfig(null);
    this.restore();
    this.updateState();
  }

  mount(): void {
    const host = document.createElement("portal-chat-widget");
    const shadow = host.attachShadow({ mode: "open" });
    // A constructed stylesheet is not an inline <style>, so host pages with a strict style-src CSP still style us.
    if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
    } else shadow.append(h("style", {}, css));
    shadow.append(this.root);
    document.body.append(host);
  }

  applyConfig(config: WidgetConfig | null): void {
    const c = config ?? ({} as Partial<WidgetConfig>);
    const s = this.o.strings;
    this.title.textContent = c.title || "Chat";
    this.panel.setAttribute("aria-label", this.title.textContent);
    this.welcome = c.welcomeMessage || "";
    this.input.placeholder = c.placeholder || s.placeholder;
    this.poweredBy.hidden = !c.poweredBy;
    const color = typeof c.color === "string" && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c.color) ? c.color : "#2563eb";
    this.root.style.setProperty("--pw-accent", color);
    this.root.style.setProperty("--pw-on-accent", contrastText(color));
    this.root.classList.toggle("left", (this.o.position ?? c.position) === "left");
    const avatar = c.avatarUrl ? sameOriginUrl(c.avatarUrl, this.o.base) : null;
    this.avatar?.remove();
    this.avatar = avatar ? h("img", { src: avatar, alt: "", referrerpolicy: "no-referrer" }) : null;
    if (this.avatar) this.header.prepend(this.avatar);
    if (config) this.renderLog();
  }

  /** Shown when the configuration could not be loaded for a reason that may pass (network, 5xx). */
  unavailable(retry: () => void): void {
    const button = h("button", { type: "button" }, this.o.strings.retry);
    button.addEventListener("click", retry);
    this.log.replaceChildren(h("div", { class: "msg bot error" }, this.o.strings.unavailable, h("div", { class: "actions" }, button)));
  }

  open(moveFocus: boolean): void {
    this.panel.hidden = false;
    this.bubble.setAttribute("aria-expanded", "true");
    this.bubble.setAttribute("aria-label", this.o.strings.close);
    this.log.scrollTop = this.log.scrollHeight;
    if (moveFocus) this.input.focus();
  }

  close(): void {
    if (this.panel.hidden) return;
    const hadFocus = this.root.getRootNode() instanceof ShadowRoot && (this.root.getRootNode() as ShadowRoot).activeElement != null;
    this.panel.hidden = true;
    this.bubble.setAttribute("aria-expanded", "false");
    this.bubble.setAttribute("aria-label", this.o.strings.open);
    if (hadFocus) this.bubble.focus();
  }

  private ask(raw: string, retrying = false): void {
    const question = raw.trim();
    if (!question || this.abort || !this.canSend()) return;
    if (!retrying) {
      this.turns.push({ role: "user", text: question });
      this.log.append(h("div", { class: "msg user" }, question));
      this.input.value = "";
      this.input.style.height = "";
    }
    const turn: AnswerTurn = { role: "assistant", text: "", citations: [] };
    const view = new AnswerView(turn, this.o.strings, this.o.api, () => this.save());
    view.streaming = true;
    this.log.append(view.element);
    this.scroll();
    this.abort = new AbortController();
    this.updateState();
    const conversationId = this.o.session.get(this.conversationKey);
    this.o.api
      .chat(question, conversationId, {
        delta: (t) => {
          view.append(t);
          view.streaming = true;
          this.scroll();
        },
        citations: (c) => view.setCitations(c),
        done: (d) => {
          if (typeof d?.conversationId === "string") this.o.session.set(this.conversationKey, d.conversationId);
          view.finish(typeof d?.messageId === "string" ? d.messageId : undefined);
          this.turns.push(turn);
          this.save();
        },
      }, this.abort.signal)
      .catch((e: unknown) => {
        if (this.abort?.signal.aborted) {
          // Stopped by the visitor: keep what arrived, without feedback buttons.
          if (turn.text) view.finish(undefined);
          else view.element.remove();
          return;
        }
        view.element.remove();
        this.showError(e instanceof WidgetError ? e : new WidgetError(0, ""), question);
      })
      .finally(() => {
        this.abort = null;
        this.updateState();
        this.scroll();
      });
  }

  private showError(e: WidgetError, question: string): void {
    const s = this.o.strings;
    const text = h("span");
    const retry = h("button", { type: "button" }, s.retry);
    const bubble = h("div", { class: "msg bot error", role: "alert" }, text, h("div", { class: "actions" }, retry));
    retry.addEventListener("click", () => {
      bubble.remove();
      this.ask(question, true);
    });
    if (e.status === 429) {
      this.blockedUntil = Date.now() + (e.retryAfterSeconds ?? 30) * 1000;
      const tick = () => {
        const left = Math.ceil((this.blockedUntil - Date.now()) / 1000);
        retry.disabled = left > 0;
        text.textContent = left > 0 ? s.rateLimited.replace("{n}", String(left)) : s.rateLimitedReady;
        this.updateState();
        if (left > 0) setTimeout(tick, 1000);
      };
      tick();
    } else if (e.status === 0 && !navigator.onLine) text.textContent = s.offline;
    else if (e.status === 0) text.textContent = e.message === "interrupted" ? s.interrupted : s.error;
    else text.textContent = e.status >= 500 || !e.message ? s.error : e.message;
    this.log.append(bubble);
  }

  private canSend(): boolean {
    return navigator.onLine && Date.now() >= this.blockedUntil;
  }

  private updateState(): void {
    const s = this.o.strings;
    const streaming = this.abort != null;
    this.notice.textContent = navigator.onLine ? "" : s.offline;
    this.sendButton.textContent = streaming ? s.stop : s.send;
    this.sendButton.disabled = !streaming && !this.canSend();
  }

  private reset(): void {
    this.abort?.abort();
    this.o.session.remove(this.conversationKey);
    this.o.session.remove(this.transcriptKey);
    this.turns = [];
    this.renderLog();
    this.input.focus();
  }

  private renderLog(): void {
    this.log.replaceChildren();
    if (this.welcome) this.log.append(h("div", { class: "msg bot" }, this.welcome));
    for (const t of this.turns) {
      if (t.role === "user") this.log.append(h("div", { class: "msg user" }, t.text));
      else this.log.append(new AnswerView(t, this.o.strings, this.o.api, () => this.save()).element);
    }
    for (const view of this.log.querySelectorAll<HTMLElement>(".bot")) view.setAttribute("aria-busy", "false");
    this.scroll();
  }

  private restore(): void {
    try {
      const saved: unknown = JSON.parse(this.o.session.get(this.transcriptKey) ?? "[]");
      if (Array.isArray(saved)) this.turns = saved.filter((t): t is Turn => t && typeof t.text === "string" && (t.role === "user" || Array.isArray(t.citations)));
    } catch {
      this.turns = [];
    }
  }

  private save(): void {
    this.turns = this.turns.slice(-MAX_TURNS);
    this.o.session.set(this.transcriptKey, JSON.stringify(this.turns));
  }

  private scroll(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

/** Black or white text, whichever reads better on the accent colour. */
export function contrastText(hex: string): string {
  let v = hex.slice(1);
  if (v.length === 3) v = v.replace(/./g, (c) => c + c);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(v.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? "#111827" : "#ffffff";
}

/** The URL only if it is http(s) on exactly the API's origin (the portal serves avatars itself). */
export function sameOriginUrl(raw: string, base: string): string | null {
  try {
    const url = new URL(raw);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === new URL(base).origin ? url.href : null;
  } catch {
    return null;
  }
}
