import assert from "node:assert/strict";
import { test } from "node:test";
import { SseParser, type ServerSentEvent } from "../src/sse.ts";

function parseInChunks(chunks: string[]): ServerSentEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c));
}

const stream =
  'event: delta\ndata: {"text":"Hel"}\n\n' +
  ": keep-alive comment\n\n" +
  'event: delta\ndata: {"text":"lo"}\n\n' +
  'event: citations\ndata: {"citations":[{"n":1,"documentName":"Guide","page":3,"snippet":"s"}]}\n\n' +
  'event: done\ndata: {"conversationId":"c1","messageId":"m1","confidence":0.82,"flagged":false}\n\n';

const expected: ServerSentEvent[] = [
  { event: "delta", data: '{"text":"Hel"}' },
  { event: "delta", data: '{"text":"lo"}' },
  { event: "citations", data: '{"citations":[{"n":1,"documentName":"Guide","page":3,"snippet":"s"}]}' },
  { event: "done", data: '{"conversationId":"c1","messageId":"m1","confidence":0.82,"flagged":false}' },
];

test("a whole stream in one chunk yields every event in order", () => {
  assert.deepEqual(parseInChunks([stream]), expected);
});

test("splitting the stream at every possible point yields the same events", () => {
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(parseInChunks([stream.slice(0, i), stream.slice(i)]), expected, `split at ${i}`);
  }
});

test("a stream fed one character at a time yields the same events", () => {
  assert.deepEqual(parseInChunks([...stream]), expected);
});

test("CRLF line endings split anywhere, including between CR and LF, yield the same events", () => {
  const crlf = stream.replace(/\n/g, "\r\n");
  for (let i = 0; i <= crlf.length; i++) {
    assert.deepEqual(parseInChunks([crlf.slice(0, i), crlf.slice(i)]), expected, `split at ${i}`);
  }
});

test("bare CR line endings are line endings", () => {
  assert.deepEqual(parseInChunks([stream.replace(/\n/g, "\r")]), expected);
});

test("multi-line data is joined with newlines", () => {
  assert.deepEqual(parseInChunks(["data: one\ndata: two\ndata:three\n\n"]), [{ event: "message", data: "one\ntwo\nthree" }]);
});

test("only one space after the colon is removed", () => {
  assert.deepEqual(parseInChunks(["data:  indented\n\n"]), [{ event: "message", data: " indented" }]);
});

test("comments, unknown fields, id and retry are ignored", () => {
  assert.deepEqual(parseInChunks([":comment\nid: 7\nretry: 100\nfoo: bar\nevent: delta\ndata: x\n\n"]), [{ event: "delta", data: "x" }]);
});

test("an event with no data is not dispatched and does not leak its type", () => {
  assert.deepEqual(parseInChunks(["event: delta\n\ndata: x\n\n"]), [{ event: "message", data: "x" }]);
});

test("an unterminated final event is dropped", () => {
  const parser = new SseParser();
  assert.deepEqual(parser.push("event: delta\ndata: partial"), []);
  parser.end();
  assert.deepEqual(parser.push("data: next\n\n"), [{ event: "message", data: "next" }]);
});

test("a leading byte-order mark is skipped", () => {
  assert.deepEqual(parseInChunks(["\ufeffdata: x\n\n"]), [{ event: "message", data: "x" }]);
});

test("a long stream of small chunks parses in linear time", () => {
  const parser = new SseParser();
  const event = 'event: delta\ndata: {"text":"word "}\n\n';
  let count = 0;
  const started = Date.now();
  for (let i = 0; i < 50_000; i++) count += parser.push(event.slice(0, 7)).length + parser.push(event.slice(7)).length;
  assert.equal(count, 50_000);
  assert.ok(Date.now() - started < 2000);
});
