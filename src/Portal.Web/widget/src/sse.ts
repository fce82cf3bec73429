// A server-sent events parser for fetch() bodies: EventSource can neither POST nor send our headers.
// Follows the WHATWG "event stream interpretation" rules: LF, CR and CRLF line endings (a CRLF may
// be split across chunks), ':' comments, multi-line data joined with '\n', one optional space after
// the colon, and an event dispatched only at a blank line with some data.

export interface ServerSentEvent {
  event: string;
  data: string;
}

export class SseParser {
  private buffer = "";
  private skipLeadingLf = false;
  private started = false;
  private eventType = "";
  private data: string[] = [];

  /** Feeds decoded text; returns the events completed by it. */
  push(chunk: string): ServerSentEvent[] {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.skipLeadingLf && chunk.startsWith("\n")) chunk = chunk.slice(1);
    this.skipLeadingLf = false;

    const events: ServerSentEvent[] = [];
    let text = this.buffer + chunk;
    let start = 0;
    // Only this chunk is scanned for line ends: the kept buffer never holds one.
    for (let i = this.buffer.length; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(text.slice(start, i), events);
      if (c === 13) {
        if (i + 1 === text.length) this.skipLeadingLf = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer = text.slice(start);
    return events;
  }

  /** The stream ended: an unterminated final event is discarded, as the spec says. */
  end(): void {
    this.buffer = "";
    this.eventType = "";
    this.data = [];
  }

  private line(line: string, events: ServerSentEvent[]): void {
    if (line === "") {
      if (this.data.length > 0) events.push({ event: this.eventType || "message", data: this.data.join("\n") });
      this.eventType = "";
      this.data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "event") this.eventType = value;
    else if (field === "data") this.data.push(value);
    // 'id' and 'retry' only matter for EventSource reconnection, which a POST never does.
  }
}
