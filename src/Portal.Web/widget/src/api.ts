import { SseParser } from "./sse.ts";

export interface WidgetConfig {
  title: string;
  welcomeMessage: string;
  color: string;
  position: "right" | "left";
  avatarUrl: string | null;
  placeholder: string;
  poweredBy: boolean;
}

export interface Citation {
  n: number;
  documentName: string;
  page: number | null;
  snippet: string;
}

export interface Done {
  conversationId: string;
  messageId: string;
  confidence?: number;
  flagged?: boolean;
}

export interface StreamHandlers {
  delta(text: string): void;
  citations(citations: Citation[]): void;
  done(done: Done): void;
}

/** A failed request: `status` 0 means the network failed (or the browser is offline). */
export class WidgetError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

export class WidgetApi {
  constructor(
    private readonly base: string,
    private readonly key: string,
    private readonly visitorId: string,
  ) {}

  async config(): Promise<WidgetConfig> {
    const res = await this.send("GET", "config");
    return (await res.json()) as WidgetConfig;
  }

  async feedback(messageId: string, rating: "up" | "down", comment?: string): Promise<void> {
    await this.send("POST", "feedback", comment ? { messageId, rating, comment } : { messageId, rating });
  }

  /** Streams one answer; resolves once the server says `done`, rejects with a WidgetError otherwise. */
  async chat(message: string, conversationId: string | null, handlers: StreamHandlers, signal: AbortSignal): Promise<void> {
    const body = conversationId ? { message, conversationId, stream: true } : { message, stream: true };
    const res = await this.send("POST", "chat", body, signal);
    if (!res.body) throw new WidgetError(0, "");
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let finished = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        const events = done ? parser.push(decoder.decode()) : parser.push(decoder.decode(value, { stream: true }));
        for (const e of events) {
          const data = parseJson(e.data);
          if (e.event === "delta" && typeof data?.text === "string") handlers.delta(data.text);
          else if (e.event === "citations" && Array.isArray(data?.citations)) handlers.citations(data.citations as Citation[]);
          else if (e.event === "done") {
            finished = true;
            handlers.done(data as unknown as Done);
          } else if (e.event === "error") throw new WidgetError(500, str(data?.detail) || str(data?.title));
        }
        if (done || finished) break;
      }
    } catch (e) {
      if (e instanceof WidgetError || signal.aborted) throw e;
      throw new WidgetError(0, "");
    } finally {
      parser.end();
      if (finished) reader.cancel().catch(() => undefined);
    }
    if (!finished) throw new WidgetError(0, "interrupted");
  }

  private async send(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/api/v1/widget/${path}`, {
        method,
        mode: "cors",
        // The portal's own cookies must never ride along from a tenant's page.
        credentials: "omit",
        headers: {
          "X-Widget-Key": this.key,
          "X-Visitor-Id": this.visitorId,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new WidgetError(0, "");
    }
    if (res.ok) return res;
    const problem = parseJson(await res.text().catch(() => ""));
    throw new WidgetError(
      res.status,
      str(problem?.detail) || str(problem?.title),
      res.status === 429 ? retryAfter(res.headers.get("Retry-After")) : null,
    );
  }
}

/** Retry-After is either delta-seconds or an HTTP date; a missing or odd value means 30 s. */
export function retryAfter(header: string | null, now = Date.now()): number {
  if (header) {
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed)) return Math.max(1, Math.min(parseInt(trimmed, 10), 3600));
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return Math.max(1, Math.min(Math.ceil((at - now) / 1000), 3600));
  }
  return 30;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
