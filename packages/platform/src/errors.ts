import { z } from "zod";

export interface FieldError {
  field: string;
  message: string;
}

/** An RFC 9457 problem. Throw it from any handler; the error middleware renders it. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    /** A stable, short slug: the problem type is `/problems/<slug>`. */
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = "HttpProblem";
  }

  toJSON(instance?: string): Record<string, unknown> {
    return {
      type: `/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = "The request is not valid.") =>
    new HttpProblem(400, "validation-error", "Invalid request", detail, { errors }),
  unauthorized: (detail = "Authentication is required.") =>
    new HttpProblem(401, "unauthorized", "Unauthorized", detail),
  forbidden: (detail = "You may not do this.", extensions: Record<string, unknown> = {}) =>
    new HttpProblem(403, "forbidden", "Forbidden", detail, extensions),
  paymentRequired: (detail: string) => new HttpProblem(402, "payment-declined", "Payment declined", detail),
  notFound: (what: string) => new HttpProblem(404, "not-found", "Not found", `${what} was not found.`),
  conflict: (detail: string, extensions: Record<string, unknown> = {}) =>
    new HttpProblem(409, "conflict", "Conflict", detail, extensions),
  methodNotAllowed: (method: string) =>
    new HttpProblem(405, "method-not-allowed", "Method not allowed", `${method} is not allowed here; see the Allow header.`),
  payloadTooLarge: () =>
    new HttpProblem(413, "payload-too-large", "Payload too large", "The request body is too large."),
  unsupportedMediaType: () =>
    new HttpProblem(415, "unsupported-media-type", "Unsupported media type", "Send application/json."),
  tooManyRequests: (detail: string, retryAfterSeconds: number) =>
    new HttpProblem(429, "too-many-requests", "Too many requests", detail, { retryAfter: retryAfterSeconds }),
  unavailable: (detail: string, retryAfterSeconds: number) =>
    new HttpProblem(503, "service-unavailable", "Service unavailable", detail, { retryAfter: retryAfterSeconds }),
  internal: () =>
    new HttpProblem(500, "internal-error", "Internal error", "Something went wrong on our side."),
};

export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join(".") || "(body)", message: i.message }));
}

/** Parses `value` with `schema`, or throws a 400 problem naming each bad field. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, where = "body"): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw problems.validation(fieldErrorsOf(result.error), `The request ${where} is not valid.`);
  return result.data;
}

/** Maps anything thrown while handling a request to the problem the client sees. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof z.ZodError) return problems.validation(fieldErrorsOf(err));
  const e = err as { status?: unknown; type?: unknown; expose?: unknown };
  // Errors raised by koa / the body parser carry an HTTP status.
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
    if (e.status === 413) return problems.payloadTooLarge();
    if (e.status === 415) return problems.unsupportedMediaType();
    if (e.type === "entity.parse.failed") return problems.validation([], "The request body is not valid JSON.");
    return new HttpProblem(e.status, "bad-request", "Bad request", e.expose ? String((err as Error).message) : undefined);
  }
  return problems.internal();
}
