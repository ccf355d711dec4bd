import {
  chargeRequest,
  createConcertRequest,
  createReservationRequest,
  createScheduleRequest,
  joinQueueRequest,
  joinWaitingListRequest,
  loginRequest,
  signUpRequest,
} from "@concert/contracts";
import { z } from "zod";

const problem = {
  description: "An RFC 9457 problem",
  content: {
    "application/problem+json": {
      schema: {
        type: "object",
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          detail: { type: "string" },
          errors: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
        },
      },
    },
  },
};
const json = (description: string) => ({ description, content: { "application/json": { schema: { type: "object" } } } });
const idParam = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const page = [
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
  { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
];
const body = (schema: z.ZodType) => ({
  required: true,
  content: { "application/json": { schema: z.toJSONSchema(schema, { io: "input" }) } },
});
const admin = { security: [{ bearer: [] }] };
const user = admin;
const queueToken = {
  name: "X-Queue-Token",
  in: "header",
  required: true,
  schema: { type: "string" },
  description: "The admission pass of your ACTIVE queue token for the schedule's concert (`pass` in its status; checked at the gateway), or the token itself",
};
const idempotencyKey = { name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", maxLength: 128 }, description: "Same key and body replays the first answer; another body is 422" };
const limit = [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 10 } }];

type Operation = {
  security?: unknown[];
  parameters?: Array<{ in: string }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

/** Operations with a per-address, per-account or per-user limit (429 with Retry-After). */
const RATE_LIMITED = new Set(["POST /api/auth/login", "POST /api/users", "POST /api/reservations"]);

/**
 * Declares the answers any operation can give besides its own: bad input (400; 413 and 415 for a
 * body), no valid token (401), an unknown id (404), a rate limit (429), and a service behind the
 * gateway that cannot answer (503 with Retry-After). An operation's own description of one wins.
 */
function withCommonAnswers<T extends Record<string, Record<string, Operation>>>(paths: T): T {
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const add = (status: number, description: string) => (op.responses[status] ??= { ...problem, description });
      if (op.parameters?.length || op.requestBody) add(400, "Bad input: a field, parameter or header is not valid");
      if (op.requestBody) {
        add(413, "The body is too large");
        add(415, "The body is not JSON");
      }
      if (op.security) add(401, "No valid access token");
      if (op.parameters?.some((p) => p.in === "path")) add(404, "Not found");
      if (RATE_LIMITED.has(`${method.toUpperCase()} ${path}`)) add(429, "Too many requests (Retry-After)");
      add(503, "A service behind the gateway cannot answer right now (Retry-After)");
    }
  }
  return paths;
}

/** What the gateway serves, generated from the same schemas the services validate with. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Concert booking API", version: "0.1.0" },
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
  paths: withCommonAnswers({
    "/api/concerts": {
      get: {
        summary: "List concerts; with include=schedules each with its schedules and their remaining seats (one request for a catalog page)",
        parameters: [...page, { name: "include", in: "query", schema: { type: "string", enum: ["schedules"] } }],
        responses: { 200: json("A page of concerts"), 400: problem },
      },
    },
    "/api/concerts/{id}": {
      get: { operationId: "getConcert", summary: "One concert", parameters: [idParam], responses: { 200: json("The concert"), 404: problem } },
    },
    "/api/concerts/{id}/schedules": {
      get: { operationId: "listSchedules", summary: "A concert's schedules with remaining seats", parameters: [idParam], responses: { 200: json("Schedules"), 404: problem } },
    },
    "/api/schedules/{id}": {
      get: { operationId: "getSchedule", summary: "One schedule", parameters: [idParam], responses: { 200: json("The schedule"), 404: problem } },
    },
    "/api/schedules/{id}/seats": {
      get: {
        operationId: "getSeatMap",
        summary: "Seat map of a schedule (behind the queue)",
        ...user,
        parameters: [idParam, queueToken],
        responses: { 200: json("Seats with status and price"), 401: problem, 403: problem, 404: problem },
      },
    },
    "/api/users": {
      post: { summary: "Sign up", requestBody: body(signUpRequest), responses: { 201: json("The user"), 400: problem, 409: problem } },
    },
    "/api/auth/login": {
      post: { summary: "Log in: a short-lived access token", requestBody: body(loginRequest), responses: { 200: json("accessToken, expiresIn"), 401: problem } },
    },
    "/api/me": {
      get: { summary: "My profile", ...user, responses: { 200: json("The user"), 401: problem, 404: { ...problem, description: "The account no longer exists" } } },
    },
    "/api/queue/tokens": {
      post: {
        summary: "Join the waiting room of a concert (one place per user)",
        ...user,
        requestBody: body(joinQueueRequest),
        responses: { 201: json("token, status, position, etaSeconds (and pass, passExpiresAt once ACTIVE)"), 200: json("The existing token"), 401: problem, 404: problem },
      },
    },
    "/api/queue/tokens/current": {
      get: {
        summary: "My place in line (polling keeps a waiting token alive)",
        ...user,
        parameters: [{ name: "concertId", in: "query", required: true, schema: { type: "string", format: "uuid" } }],
        responses: { 200: json("status, position, etaSeconds, activeUntil; once ACTIVE a pass and passExpiresAt; heldReservationId while a pending reservation holds seats through it"), 404: problem },
      },
    },
    "/api/reservations": {
      post: {
        summary: "Hold seats (all or nothing) for a new reservation",
        ...user,
        parameters: [queueToken, idempotencyKey],
        requestBody: body(createReservationRequest),
        responses: {
          201: {
            ...json("reservationId, PENDING_PAYMENT, amount, holdExpiresAt, cancellableUntil"),
            links: {
              GetReservation: { operationId: "getReservation", parameters: { id: "$response.body#/reservationId" } },
              PayReservation: { operationId: "payReservation", parameters: { id: "$response.body#/reservationId" } },
              CancelReservation: { operationId: "cancelReservation", parameters: { id: "$response.body#/reservationId" } },
            },
          },
          400: problem,
          403: problem,
          404: { ...problem, description: "No such schedule" },
          409: problem,
        },
      },
    },
    "/api/reservations/{id}": {
      get: { operationId: "getReservation", summary: "A reservation (owner or admin)", ...user, parameters: [idParam], responses: { 200: json("The reservation"), 404: problem } },
      delete: {
        operationId: "cancelReservation",
        summary: "Cancel: a pending one releases its seats; a confirmed one is refunded, then released",
        description: "A confirmed reservation can be cancelled until its `cancellableUntil` (a cutoff before the show); after it, 409.",
        ...user,
        parameters: [idParam],
        responses: { 200: json("The reservation"), 202: json("Still being processed"), 404: problem, 409: problem },
      },
    },
    "/api/reservations/{id}/payment": {
      post: {
        operationId: "payReservation",
        summary: "Pay for a reservation",
        ...user,
        parameters: [idParam, idempotencyKey],
        responses: {
          200: json("CONFIRMED"),
          202: json("Still being processed"),
          402: problem,
          409: problem,
          422: problem,
          503: { ...problem, description: "Payment unavailable (Retry-After); the hold is kept" },
        },
      },
    },
    "/api/me/wallet": { get: { summary: "My balance", ...user, responses: { 200: json("balance") } } },
    "/api/me/wallet/charges": {
      post: {
        summary: "Charge points",
        ...user,
        parameters: [idempotencyKey],
        requestBody: body(chargeRequest),
        responses: { 201: json("balance"), 400: problem, 409: problem, 422: problem },
      },
    },
    "/api/me/wallet/history": { get: { summary: "My charges, payments and refunds (read model)", ...user, responses: { 200: json("items") } } },
    "/api/me/reservations": { get: { summary: "My reservations with their timeline (read model)", ...user, responses: { 200: json("items") } } },
    "/api/me/notifications": { get: { summary: "My notices (each about a reservationId or a waiting-list offerId)", ...user, responses: { 200: json("items") } } },
    "/api/me/waiting-list": { get: { summary: "My waiting-list entries with their offers (read model)", ...user, responses: { 200: json("items") } } },
    "/api/schedules/{id}/waiting-list": {
      post: {
        operationId: "joinWaitingList",
        summary: "Join a sold-out schedule's waiting list (or one section's), asking for 1–8 seats; released seats are offered first come, first served",
        ...user,
        parameters: [idParam],
        requestBody: body(joinWaitingListRequest),
        responses: {
          201: { ...json("The entry: status WAITING, position"), links: { MyEntry: { operationId: "getMyWaitingListEntry", parameters: { id: "$request.path.id" } } } },
          409: { ...problem, description: "Seats are still on sale (availableSeats: book instead), you are already on this list (entryId), or more seats than the schedule's seats per fan" },
        },
      },
    },
    "/api/schedules/{id}/waiting-list/me": {
      get: {
        operationId: "getMyWaitingListEntry",
        summary: "My entry on the schedule's waiting list: status, position while WAITING, and its offer (seats, amount, expiresAt) once OFFERED",
        ...user,
        parameters: [idParam],
        responses: { 200: json("The entry") },
      },
      delete: {
        summary: "Leave the waiting list; an open offer is declined and its seats pass to the next in line",
        ...user,
        parameters: [idParam],
        responses: { 200: json("The entry, LEFT") },
      },
    },
    "/api/waiting-list/offers/{id}/claim": {
      post: {
        summary: "Claim an offer: it becomes a reservation in PENDING_PAYMENT (no waiting room), paid like any other. Claiming again answers the same reservation",
        ...user,
        parameters: [idParam],
        responses: { 201: json("The reservation (Location: /api/reservations/{id})"), 409: { ...problem, description: "The offer has ended (status EXPIRED or DECLINED)" } },
      },
    },
    "/api/rankings/sold-out": { get: { summary: "Fastest sell-outs", parameters: limit, responses: { 200: json("items") } } },
    "/api/rankings/popular": { get: { summary: "Most booked concerts", parameters: limit, responses: { 200: json("items") } } },
    "/api/admin/concerts": {
      post: {
        summary: "Register a concert (admin)",
        ...admin,
        requestBody: body(createConcertRequest),
        responses: {
          201: {
            ...json("The concert"),
            links: {
              GetConcert: { operationId: "getConcert", parameters: { id: "$response.body#/id" } },
              AddSchedule: { operationId: "addSchedule", parameters: { id: "$response.body#/id" } },
              ListSchedules: { operationId: "listSchedules", parameters: { id: "$response.body#/id" } },
            },
          },
          400: problem,
          401: problem,
          403: problem,
        },
      },
    },
    "/api/admin/concerts/{id}/schedules": {
      post: {
        operationId: "addSchedule",
        summary: "Add a schedule with its seat layout and prices (admin)",
        ...admin,
        parameters: [idParam],
        requestBody: body(createScheduleRequest),
        responses: {
          201: {
            ...json("The schedule"),
            links: {
              GetSchedule: { operationId: "getSchedule", parameters: { id: "$response.body#/id" } },
              GetSeatMap: { operationId: "getSeatMap", parameters: { id: "$response.body#/id" } },
            },
          },
          400: problem,
          401: problem,
          403: problem,
          404: problem,
        },
      },
    },
    "/api/admin/schedules/{id}/console": {
      get: {
        operationId: "getSaleConsole",
        summary:
          "The live sale console of a schedule (admin): sold, held and available seats, revenue, bookings per minute and sold-out time from the sales read model (built from events), with the concert's queue (waiting, admitted, admissions per minute) and the schedule's waiting list",
        ...admin,
        parameters: [idParam],
        responses: {
          200: json("The schedule's sale as the read model has it, with queue and waitingList (waiting, offered, seatsAsked); each null when its service cannot be asked"),
          400: problem,
          401: problem,
          403: problem,
          404: problem,
        },
      },
    },
  }),
};
