import { outboxTopic, RESERVATION_TOPIC } from "@concert/contracts";
import { randomUUID } from "node:crypto";
import { LOCAL_DAPR_NAMESPACE } from "../support/pubsub-scopes";
import { reserve } from "../support/booking";
import { admittedShopper, api, createConcertWithSchedule, eventually, seatMap, sidecarOf } from "../support/stack";

/**
 * Dapr's outbox announces a state transaction on an internal topic before running it; a
 * transaction that then never commits leaves an announcement with no state behind it. Stock
 * daprd 1.18.2 retries the lookup of that state forever (its backoff has no Stop), blocking the
 * partition: no reservation event on it flows again. With the patch this project carries
 * (scripts/patches/dapr/0001) the announcement is discarded after its retries
 * (outboxDiscardWhenMissingState) and the partition moves on.
 */
// daprd's namespace + app id + topic + "outbox". (Without the namespace, as this test had it
// until the topic was protected, the orphans went to a topic nobody reads.)
const INTERNAL_TOPIC = outboxTopic("reservation", RESERVATION_TOPIC, LOCAL_DAPR_NAMESPACE);
const PARTITIONS = 8; // num.partitions of the local broker (scripts/infra.sh)

/** sarama's hash partitioner (FNV-1a 32, as a signed int, modulo, absolute value). */
function partitionOf(key: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(key)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return Math.abs((h | 0) % PARTITIONS);
}

/** One key per partition, so an orphan lands on every partition of the internal topic. */
function keyPerPartition(): string[] {
  const keys = new Map<number, string>();
  while (keys.size < PARTITIONS) {
    const k = randomUUID();
    if (!keys.has(partitionOf(k))) keys.set(partitionOf(k), k);
  }
  return [...keys.values()];
}

describe("Dapr's transactional outbox", () => {
  it("discards an announced transaction that never committed, and the reservation events behind it still flow", async () => {
    // Through reservation's own sidecar: no other app may publish on the internal topic.
    const dapr = sidecarOf("reservation");
    // An announcement on every partition whose state was never written (the id is the state key).
    for (const partitionKey of keyPerPartition()) {
      const res = await dapr.pubsub.publish("pubsub", INTERNAL_TOPIC, { reservationId: randomUUID() }, {
        metadata: { "cloudevent.id": `orphan-${randomUUID()}`, partitionKey },
      });
      expect(res.error).toBeUndefined();
    }

    // A booking after the orphans: its ReservationCreated queues behind one of them.
    const { concert, schedule } = await createConcertWithSchedule([{ name: "W", rows: 1, seatsPerRow: 2, price: 1_000 }]);
    const shopper = await admittedShopper(concert.id);
    await seatMap(concert.id, schedule.id, shopper);
    const held = await reserve(shopper, schedule.id, ["W-1-1"]);
    expect(held.status).toBe(201);
    const id = held.body.reservationId as string;

    // My page learns PENDING_PAYMENT only from ReservationCreated, i.e. through the outbox.
    const mine = await eventually(async () => {
      const items = (await api("GET", "/api/me/reservations", { token: shopper.token })).body.items as Array<{ reservationId: string; timeline: Array<{ step: string }> }>;
      const r = items.find((x) => x.reservationId === id);
      return r?.timeline.some((t) => t.step === "PENDING_PAYMENT") ? r : undefined;
    }, 80_000, "ReservationCreated behind the orphaned announcements");
    expect(mine.reservationId).toBe(id);
  }, 90_000);
});
