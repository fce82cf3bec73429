// Entry point: finds its own <script> tag, derives the API base from its src, loads the tenant's
// configuration and mounts the widget. Nothing is exposed on window except PortalWidget {open, close}.
import { WidgetApi, WidgetError } from "./api.ts";
import { browserStore, visitorId } from "./storage.ts";
import { pickStrings } from "./strings.ts";
import { ChatWidget } from "./widget.ts";

declare global {
  interface Window {
    PortalWidget?: { open(): void; close(): void };
  }
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.key) return current;
  // currentScript is null when the script is run by a loader; find our tag by its src instead.
  for (const s of Array.from(document.scripts)) {
    try {
      if (s.dataset.key && new URL(s.src, location.href).pathname.endsWith("/widget.js")) return s;
    } catch {
      /* not a URL: not ours */
    }
  }
  return null;
}

function boot(script: HTMLScriptElement): void {
  const key = script.dataset.key ?? "";
  const src = new URL(script.src, location.href);
  const base = src.origin + src.pathname.replace(/\/widget\.js$/, "");
  const { lang, strings } = pickStrings(script.dataset.locale);
  const position = script.dataset.position === "left" || script.dataset.position === "right" ? script.dataset.position : null;
  const api = new WidgetApi(base, key, visitorId(browserStore("localStorage"), key));
  const widget = new ChatWidget({ base, key, api, session: browserStore("sessionStorage"), strings, lang, position });
  let mounted = false;

  const load = () => {
    api.config().then(
      (config) => {
        widget.applyConfig(config);
        show();
      },
      (e: unknown) => {
        // A wrong key or a page whose origin the tenant has not allowed: stay invisible, tell the developer.
        if (e instanceof WidgetError && e.status >= 400 && e.status < 500 && e.status !== 429) {
          console.warn(`Portal widget: configuration refused (${e.status}). Check data-key and the key's allowed origins.`);
          return;
        }
        widget.unavailable(load);
        show();
      },
    );
  };
  const show = () => {
    if (mounted) return;
    mounted = true;
    widget.mount();
    if (script.dataset.open !== undefined && script.dataset.open !== "false") widget.open(false);
  };

  window.PortalWidget = { open: () => mounted && widget.open(true), close: () => widget.close() };
  load();
}

(() => {
  if (window.PortalWidget) return;
  const script = findScript();
  if (!script) {
    console.warn("Portal widget: add data-key to the widget's <script> tag.");
    return;
  }
  if (document.body) boot(script);
  else document.addEventListener("DOMContentLoaded", () => boot(script), { once: true });
})();
