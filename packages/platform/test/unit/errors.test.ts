import { z } from "zod";
import { HttpProblem, problems, toProblem, validate } from "../../src/errors";

describe("problem mapping", () => {
  it("keeps an HttpProblem as it is and renders RFC 9457 fields", () => {
    const p = toProblem(problems.conflict("Seats taken", { seats: ["A-1-1"] }));
    expect(p.toJSON("/x")).toEqual({
      type: "/problems/conflict",
      title: "Conflict",
      status: 409,
      detail: "Seats taken",
      instance: "/x",
      seats: ["A-1-1"],
    });
  });

  it("turns a zod error into a 400 with field errors", () => {
    const schema = z.object({ title: z.string(), seats: z.array(z.string()).min(1) });
    const result = schema.safeParse({ seats: [] });
    const p = toProblem(result.error);
    expect(p.status).toBe(400);
    expect((p.extensions.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(["seats", "title"]);
  });

  it("maps body parser failures to 400, 413 and 415", () => {
    expect(toProblem(Object.assign(new Error("bad"), { status: 400, type: "entity.parse.failed" })).toJSON().detail).toMatch(
      /not valid JSON/,
    );
    expect(toProblem(Object.assign(new Error("big"), { status: 413 })).status).toBe(413);
    expect(toProblem(Object.assign(new Error("type"), { status: 415 })).status).toBe(415);
  });

  it("hides everything about an unexpected error", () => {
    const p = toProblem(new Error("ER_ACCESS_DENIED at /srv/app.js:12"));
    expect(p.status).toBe(500);
    expect(JSON.stringify(p.toJSON())).not.toMatch(/ER_ACCESS|app\.js/);
  });

  it("validate returns parsed data or throws a 400 naming the part", () => {
    expect(validate(z.coerce.number(), "7", "query")).toBe(7);
    expect(() => validate(z.uuid(), "nope", "path")).toThrow(HttpProblem);
    try {
      validate(z.uuid(), "nope", "path");
    } catch (err) {
      expect((err as HttpProblem).detail).toBe("The request path is not valid.");
    }
  });
});
