import { createConcertRequest, createScheduleRequest } from "@concert/contracts";
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

/** What the gateway serves, generated from the same schemas the services validate with. */
export const openApiDocument = {
  openapi: "3.1.0",
  info: { title: "Concert booking API", version: "0.1.0" },
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
  paths: {
    "/api/concerts": {
      get: { summary: "List concerts", parameters: page, responses: { 200: json("A page of concerts"), 400: problem } },
    },
    "/api/concerts/{id}": {
      get: { summary: "One concert", parameters: [idParam], responses: { 200: json("The concert"), 404: problem } },
    },
    "/api/concerts/{id}/schedules": {
      get: { summary: "A concert's schedules with remaining seats", parameters: [idParam], responses: { 200: json("Schedules"), 404: problem } },
    },
    "/api/schedules/{id}": {
      get: { summary: "One schedule", parameters: [idParam], responses: { 200: json("The schedule"), 404: problem } },
    },
    "/api/schedules/{id}/seats": {
      get: { summary: "Seat map of a schedule", parameters: [idParam], responses: { 200: json("Seats with status and price"), 404: problem } },
    },
    "/api/admin/concerts": {
      post: {
        summary: "Register a concert (admin)",
        ...admin,
        requestBody: body(createConcertRequest),
        responses: { 201: json("The concert"), 400: problem, 401: problem, 403: problem },
      },
    },
    "/api/admin/concerts/{id}/schedules": {
      post: {
        summary: "Add a schedule with its seat layout and prices (admin)",
        ...admin,
        parameters: [idParam],
        requestBody: body(createScheduleRequest),
        responses: { 201: json("The schedule"), 400: problem, 401: problem, 403: problem, 404: problem },
      },
    },
  },
};
