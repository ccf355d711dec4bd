import type CircuitBreaker from "opossum";
import { PRINCIPAL_HEADERS, type Principal } from "./auth";
import { createBreaker } from "./breaker";
import type { ServiceConfig } from "./config";
import { currentContext } from "./context";
import { problems } from "./errors";

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
  body: unknown;
  headers: Record<string, string>;
}

/** The target could not answer (sidecar or app down, timeout, 5xx): counts against its breaker. */
export class UpstreamUnavailable extends Error {
  override name = "UpstreamUnavailable";
}

const PASSED_HEADERS = ["location", "retry-after", "idempotency-replayed"];

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
  private readonly base: string;

  constructor(
    readonly appId: string,
    private readonly config: ServiceConfig,
    private readonly options: UpstreamOptions,
  ) {
    this.base = `http://${config.DAPR_HOST}:${config.DAPR_HTTP_PORT}/v1.0/invoke/${appId}/method`;
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
    try {
      return await this.breaker.fire(req);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const why = code === "EOPENBREAKER" ? "is failing; calls are paused" : code === "ETIMEDOUT" ? "timed out" : "is unavailable";
      const retryAfter = Math.ceil((this.options.resetTimeoutMs ?? 5_000) / 1000);
      throw problems.unavailable(`The ${this.appId} service ${why}. Try again shortly.`, retryAfter);
    }
  }

  private async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const url = new URL(this.base + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      for (const one of [v ?? []].flat()) url.searchParams.append(k, one);
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
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? null : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new UpstreamUnavailable(`${this.appId}: ${(err as Error).message}`);
    }
    const contentType = res.headers.get("content-type") ?? "application/json";
    const text = await res.text();
    const body: unknown = text && contentType.includes("json") ? JSON.parse(text) : text;
    // A 503 problem is the app's own answer (e.g. "payment unavailable, retry later"): it is
    // relayed as it is and says nothing about the app's health. Any other 5xx, from the app or
    // from daprd (ERR_DIRECT_INVOKE when the app or its sidecar is gone), counts as a failure.
    const ownAnswer = res.status === 503 && contentType.includes("problem+json");
    if (res.status >= 500 && !ownAnswer) throw new UpstreamUnavailable(`${this.appId} answered ${res.status}`);
    const passed: Record<string, string> = {};
    for (const h of PASSED_HEADERS) {
      const v = res.headers.get(h);
      if (v) passed[h] = v;
    }
    return { status: res.status, contentType, body, headers: passed };
  }
}
