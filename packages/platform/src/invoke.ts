import type CircuitBreaker from "opossum";
import { Pool } from "undici";
import { PRINCIPAL_HEADERS, type Principal } from "./auth";
import { createBreaker } from "./breaker";
import type { ServiceConfig } from "./config";
import { currentContext } from "./context";
import { HttpProblem, problems } from "./errors";

export interface UpstreamRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The verified caller, passed on as x-user-id / x-user-role. */
  principal?: Principal;
}

export interface UpstreamResponse {
  status: number;
  contentType: string;
  /** The answer parsed (JSON) on first use; assigning replaces what is relayed. */
  body: unknown;
  /** The answer's bytes as received, while `body` has not been replaced: relayed without a re-encode. */
  readonly raw: Buffer | undefined;
  headers: Record<string, string>;
}

/** An answer whose JSON is parsed only if someone reads it (a relay just passes the bytes on). */
class Answer implements UpstreamResponse {
  private parsed: unknown;
  private bytes: Buffer | undefined;

  constructor(
    readonly status: number,
    readonly contentType: string,
    bytes: Buffer,
    readonly headers: Record<string, string>,
  ) {
    this.bytes = bytes;
  }

  get raw(): Buffer | undefined {
    return this.bytes;
  }

  get body(): unknown {
    if (this.bytes) {
      const text = this.bytes.toString("utf8");
      this.parsed = text && this.contentType.includes("json") ? JSON.parse(text) : text;
      this.bytes = undefined;
    }
    return this.parsed;
  }

  set body(value: unknown) {
    this.parsed = value;
    this.bytes = undefined;
  }
}

/** One keep-alive connection pool per sidecar address, shared by every Upstream of the process. */
const pools = new Map<string, Pool>();
const poolOf = (origin: string) => {
  let pool = pools.get(origin);
  if (!pool) {
    // Idle sockets are dropped after undici's 4 s, well before daprd closes them (its HTTP server
    // ends a connection idle for ReadHeaderTimeout, 10 s): a POST is never sent on a socket the
    // sidecar already closed (undici does not retry non-idempotent requests).
    pool = new Pool(origin, { connections: 128, keepAliveTimeout: 4_000 });
    pools.set(origin, pool);
  }
  return pool;
};

/** An upstream's problem answer, thrown on as this service's own: status, type and fields kept. */
export function upstreamProblem(res: UpstreamResponse): HttpProblem {
  const { type, title, status: _status, detail, instance: _instance, ...rest } = (res.body ?? {}) as Record<string, unknown>;
  const slug = typeof type === "string" ? type.replace(/^\/problems\//, "") : "upstream-error";
  return new HttpProblem(res.status, slug, typeof title === "string" ? title : "Upstream error", typeof detail === "string" ? detail : undefined, rest);
}

/** The target could not answer (sidecar or app down, timeout, 5xx): counts against its breaker. */
export class UpstreamUnavailable extends Error {
  override name = "UpstreamUnavailable";
}

const PASSED_HEADERS = ["location", "retry-after", "idempotency-replayed", "etag", "cache-control", "content-encoding", "vary", "last-modified"];

export interface UpstreamOptions {
  timeoutMs: number;
  /** How long the breaker stays open before a half-open probe (ms). */
  resetTimeoutMs?: number;
}

/**
 * An internal service reached by Dapr service invocation through this app's sidecar
 * (`/v1.0/invoke/<app-id>/method/...`), behind a breaker so a dead service fails fast.
 */
export class Upstream {
  private readonly breaker: CircuitBreaker<[UpstreamRequest], UpstreamResponse>;
  /** The invoke path of the target through this app's sidecar. */
  private readonly base: string;
  private readonly pool: Pool;

  constructor(
    readonly appId: string,
    private readonly config: ServiceConfig,
    private readonly options: UpstreamOptions,
  ) {
    this.base = `/v1.0/invoke/${appId}/method`;
    this.pool = poolOf(`http://${config.DAPR_HOST}:${config.DAPR_HTTP_PORT}`);
    this.breaker = createBreaker(`invoke:${appId}`, (req: UpstreamRequest) => this.send(req), {
      timeout: options.timeoutMs,
      resetTimeout: options.resetTimeoutMs ?? 5_000,
      isFailure: (err) => err instanceof UpstreamUnavailable || (err as Error)?.name === "TimeoutError",
    });
  }

  get breakerOpen(): boolean {
    return this.breaker.opened;
  }

  /** Calls through the breaker; when the target cannot answer, a 503 problem with Retry-After. */
  async call(req: UpstreamRequest): Promise<UpstreamResponse> {
    // Encoded before the breaker: a body that cannot be encoded (nested too deep) is the
    // caller's 400, never a failure of the target that would open its breaker for everyone.
    let body: string | undefined;
    try {
      body = req.body === undefined ? undefined : JSON.stringify(req.body);
    } catch {
      throw problems.validation([{ field: "(body)", message: "nested too deeply" }]);
    }
    try {
      return await this.breaker.fire({ ...req, body });
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why = code === "EOPENBREAKER" ? "is failing; calls are paused" : code === "ETIMEDOUT" ? "timed out" : "is unavailable";
      const retryAfter = Math.ceil((this.options.resetTimeoutMs ?? 5_000) / 1000);
      // The cause goes to the log (the client sees only the problem).
      throw Object.assign(problems.unavailable(`The ${this.appId} service ${why}. Try again shortly.`, retryAfter), { cause: err });
    }
  }

  /** `req.body` is already JSON text here (see call). */
  private async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {})) {
      for (const one of [v ?? []].flat()) query.append(k, one);
    }
    const headers: Record<string, string> = { accept: "application/json", ...req.headers };
    if (req.principal) {
      headers[PRINCIPAL_HEADERS.userId] = req.principal.userId;
      headers[PRINCIPAL_HEADERS.role] = req.principal.role;
    }
    const trace = currentContext();
    if (trace) headers.traceparent = trace.traceparent;
    if (this.config.DAPR_API_TOKEN) headers["dapr-api-token"] = this.config.DAPR_API_TOKEN;
    if (req.body !== undefined) headers["content-type"] = "application/json";
    const search = query.size ? `?${query}` : "";
    let status: number;
    let bytes: Buffer;
    let answerHeaders: Record<string, string | string[] | undefined>;
    try {
      const res = await this.pool.request({
        method: req.method,
        path: `${this.base}${req.path}${search}`,
        headers,
        body: (req.body as string | undefined) ?? null,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      status = res.statusCode;
      answerHeaders = res.headers;
      bytes = Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      throw new UpstreamUnavailable(`${this.appId}: ${(err as Error).message}`);
    }
    const header = (name: string) => {
      const v = answerHeaders[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const contentType = header("content-type") ?? "application/json";
    // A 503 problem is the app's own answer (e.g. "payment unavailable, retry later"): it is
    // relayed as it is and says nothing about the app's health. Any other 5xx, from the app or
    // from daprd (ERR_DIRECT_INVOKE when the app or its sidecar is gone), counts as a failure.
    const ownAnswer = status === 503 && contentType.includes("problem+json");
    if (status >= 500 && !ownAnswer) {
      throw new UpstreamUnavailable(`${this.appId} answered ${status}: ${bytes.subarray(0, 300).toString("utf8")}`);
    }
    const passed: Record<string, string> = {};
    for (const h of PASSED_HEADERS) {
      const v = header(h);
      if (v) passed[h] = v;
    }
    return new Answer(status, contentType, bytes, passed);
  }
}
