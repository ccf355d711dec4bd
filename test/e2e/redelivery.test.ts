import type { DaprClient } from "@dapr/dapr";
import { ScheduleCreated } from "@concert/contracts";
import { randomUUID } from "node:crypto";
import { closePools, eventually, internal, sidecarOf, sql } from "../support/stack";

afterAll(closePools);

/** Publishes through a real sidecar with a chosen CloudEvent id, as a relay retry would. */
async function publish(dapr: DaprClient, eventId: string, scheduleId: string, partitionKey: string) {
  const data = ScheduleCreated.schema.parse({
    scheduleId,
    concertId: randomUUID(),
    concertTitle: "Redelivered",
    startsAt: "2031-05-01T10:00:00.000Z",
    bookingOpensAt: "2031-04-01T10:00:00.000Z",
    sections: [{ name: "A", rows: 1, seatsPerRow: 3, price: 1_000 }],
  });
  const res = await dapr.pubsub.publish("pubsub", ScheduleCreated.topic, data, {
    metadata: { "cloudevent.id": eventId, "cloudevent.type": ScheduleCreated.type, partitionKey },
  });
  if (res.error) throw res.error;
}

describe("idempotent consumers", () => {
  it("applies a redelivered event once: the second delivery of an event id changes nothing", async () => {
    const dapr = sidecarOf("concert");
    const eventId = randomUUID();
    const key = randomUUID(); // one partition: the three messages are consumed in order
    const [first, replay, sentinel] = [randomUUID(), randomUUID(), randomUUID()];

    await publish(dapr, eventId, first, key);
    await publish(dapr, eventId, replay, key); // same event id: a redelivery, whatever it carries
    await publish(dapr, randomUUID(), sentinel, key);

    const seatsOf = async (id: string) => (await internal("seat", "GET", `/schedules/${id}/seats`)).status;
    await eventually(async () => ((await seatsOf(sentinel)) === 200 ? true : undefined), 30_000, "sentinel schedule");
    expect(await seatsOf(first)).toBe(200);
    expect(await seatsOf(replay)).toBe(404);

    const inbox = await sql("seat", "SELECT consumer FROM inbox WHERE event_id = ?", [eventId]);
    expect(inbox).toEqual([{ consumer: "seat.schedule-created" }]);
    const seats = await sql<{ n: number }>("seat", "SELECT COUNT(*) AS n FROM seats WHERE schedule_id IN (?)", [[first, replay]]);
    expect(Number(seats[0]!.n)).toBe(3);
  });
});
