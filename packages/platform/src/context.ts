import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";

/** What travels with one request or one event through the async calls it makes. */
export interface RequestContext {
  /** W3C trace context of the current request, forwarded to the sidecar and into the outbox. */
  traceparent: string;
  traceId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** Continues the trace of a valid incoming `traceparent`, or starts a new sampled one. */
export function contextFromTraceparent(header: string | undefined | null): RequestContext {
  const m = header ? TRACEPARENT.exec(header.trim()) : null;
  if (m && !/^0+$/.test(m[1]!)) return { traceparent: header!.trim(), traceId: m[1]! };
  const traceId = randomBytes(16).toString("hex");
  return { traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01`, traceId };
}
