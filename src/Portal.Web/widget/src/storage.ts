// Browser storage that may be missing (privacy modes, sandboxed frames, blocked third-party storage):
// every read and write falls back to memory instead of throwing.

export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function browserStore(kind: "localStorage" | "sessionStorage"): KeyValueStore {
  const memory = new Map<string, string>();
  const storage = (): Storage | null => {
    try {
      return window[kind];
    } catch {
      return null;
    }
  };
  return {
    get(key) {
      try {
        const value = storage()?.getItem(key);
        if (value != null) return value;
      } catch {
        /* fall through to memory */
      }
      return memory.get(key) ?? null;
    },
    set(key, value) {
      memory.set(key, value);
      try {
        storage()?.setItem(key, value);
      } catch {
        /* quota or disabled: memory keeps it for this page */
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        storage()?.removeItem(key);
      } catch {
        /* nothing to remove */
      }
    },
  };
}

/** A random 128-bit id as 32 hex digits. */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** The visitor id for this widget key: created once and kept, so answers and feedback group by visitor. */
export function visitorId(store: KeyValueStore, widgetKey: string): string {
  const name = `portal-widget:${widgetKey}:visitor`;
  const existing = store.get(name);
  if (existing && /^[0-9a-f]{32}$/.test(existing)) return existing;
  const id = randomId();
  store.set(name, id);
  return id;
}
