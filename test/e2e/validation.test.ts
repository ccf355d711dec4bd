import { request } from "node:http";
import { serviceSpec } from "@concert/devstack";
import { adminToken, api, closePools, sql } from "../support/stack";

const GATEWAY_URL = `http://127.0.0.1:${serviceSpec("gateway").appPort}`;

afterAll(closePools);

const count = async (table: string) => Number((await sql<{ n: number }>("concert", `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
const future = { startsAt: "2031-05-01T19:00:00Z", bookingOpensAt: "2031-04-01T19:00:00Z" };
const sections = [{ name: "A", rows: 1, seatsPerRow: 2, price: 10_000 }];

function expectProblem(r: { status: number; headers: Headers; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^\/problems\//), title: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/at \w+ \(|node_modules|\.js:\d+/); // no stack traces
}

describe("bad input is refused with problem+json and writes nothing", () => {
  let token: string;
  let concertId: string;

  beforeAll(async () => {
    token = await adminToken();
    const c = await api("POST", "/api/admin/concerts", { token, body: { title: "Validation", venue: "Hall" } });
    concertId = c.body.id;
  });

  const concertBodies: Array<[string, unknown]> = [
    ["missing title", { venue: "Hall" }],
    ["wrong types", { title: 42, venue: ["Hall"] }],
    ["blank title", { title: "   ", venue: "Hall" }],
    ["unknown field", { title: "T", venue: "V", price: 1 }],
    ["not an object", [1, 2, 3]],
  ];

  it.each(concertBodies)("concert with %s -> 400 with field errors", async (_, body) => {
    const before = await count("concerts");
    const r = await api("POST", "/api/admin/concerts", { token, body });
    expectProblem(r, 400);
    expect(r.body.errors.length).toBeGreaterThan(0);
    expect(await count("concerts")).toBe(before);
  });

  const scheduleBodies: Array<[string, unknown]> = [
    ["no sections", { ...future, sections: [] }],
    ["duplicate sections", { ...future, sections: [sections[0], sections[0]] }],
    ["over 10k seats", { ...future, sections: [{ name: "A", rows: 100, seatsPerRow: 200, price: 1 }] }],
    ["negative price", { ...future, sections: [{ ...sections[0], price: -1 }] }],
    ["a date that is not ISO-8601", { ...future, startsAt: "next friday", sections }],
    ["a start in the past", { startsAt: "2020-01-01T00:00:00Z", bookingOpensAt: "2019-12-01T00:00:00Z", sections }],
    ["booking opening after the start", { startsAt: "2031-05-01T19:00:00Z", bookingOpensAt: "2031-06-01T19:00:00Z", sections }],
  ];

  it.each(scheduleBodies)("schedule with %s -> 400, no schedule and no event", async (_, body) => {
    const [schedules, outbox] = [await count("schedules"), await count("outbox")];
    const r = await api("POST", `/api/admin/concerts/${concertId}/schedules`, { token, body });
    expectProblem(r, 400);
    expect(await count("schedules")).toBe(schedules);
    expect(await count("outbox")).toBe(outbox);
  });

  it("schedule for an unknown concert -> 404, nothing written", async () => {
    const [schedules, outbox] = [await count("schedules"), await count("outbox")];
    const r = await api("POST", "/api/admin/concerts/6f1c1f8e-0000-4000-8000-000000000000/schedules", { token, body: { ...future, sections } });
    expectProblem(r, 404);
    expect(await count("schedules")).toBe(schedules);
    expect(await count("outbox")).toBe(outbox);
  });

  it("malformed JSON -> 400, a non-JSON body -> 415, an oversized body -> 413", async () => {
    const before = await count("concerts");
    expectProblem(await api("POST", "/api/admin/concerts", { token, rawBody: '{"title": "x",', headers: { "content-type": "application/json" } }), 400);
    expectProblem(await api("POST", "/api/admin/concerts", { token, rawBody: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    const huge = { title: "x", venue: "y", description: "z".repeat(200_000) };
    expectProblem(await api("POST", "/api/admin/concerts", { token, body: huge }), 413);
    expect(await count("concerts")).toBe(before);
  });

  it("a malformed id or paging parameter -> 400", async () => {
    expectProblem(await api("GET", "/api/concerts/not-a-uuid"), 400);
    expectProblem(await api("GET", "/api/schedules/1%20OR%201=1/seats", { token }), 400);
    expectProblem(await api("GET", "/api/concerts?limit=100000"), 400);
    expectProblem(await api("GET", "/api/concerts?offset=-1"), 400);
  });

  it("an unknown route -> 404 problem", async () => {
    expectProblem(await api("GET", "/api/nothing-here"), 404);
  });

  it("a method a route does not serve, TRACE included -> 405 problem with Allow", async () => {
    const put = await api("PUT", "/api/concerts", { token, body: {} });
    expectProblem(put, 405);
    expect(put.headers.get("allow")).toMatch(/GET/);
    // fetch refuses to send TRACE: a raw request.
    const trace = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(`${GATEWAY_URL}/api/concerts`, { method: "TRACE" }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(trace.status).toBe(405);
    expect(trace.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(trace.body)).toMatchObject({ status: 405, title: "Method not allowed" });
  });
});
