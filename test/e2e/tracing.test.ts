import { INFRA } from "@concert/devstack";
import { createConcertWithSchedule, eventually, seatMap } from "../support/stack";

describe("distributed tracing", () => {
  it("records one trace in Zipkin spanning gateway, concert and, through the event, seat", async () => {
    const { concert, schedule, scheduleReply } = await createConcertWithSchedule();
    const traceId = scheduleReply.headers.get("x-trace-id");
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await seatMap(concert.id, schedule.id);

    const services = await eventually(async () => {
      const res = await fetch(`${INFRA.zipkinUrl}/api/v2/trace/${traceId}`);
      if (!res.ok) return undefined;
      const spans = (await res.json()) as Array<{ localEndpoint?: { serviceName?: string } }>;
      const names = new Set(spans.map((s) => s.localEndpoint?.serviceName));
      return ["gateway", "concert", "seat"].every((n) => names.has(n)) ? names : undefined;
    }, 30_000, "spans of gateway, concert and seat in Zipkin");
    expect([...services]).toEqual(expect.arrayContaining(["gateway", "concert", "seat"]));
  });
});
