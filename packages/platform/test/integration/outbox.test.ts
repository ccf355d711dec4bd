import { defineEvent } from "@concert/contracts";
import { INFRA, startSidecar, stopSidecar, tokensOf } from "@concert/devstack";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { startProbe } from "../../../../test/support/probe";
import {
  createDaprClient,
  createDataSource,
  createLogger,
  databaseEnv,
  Housekeeper,
  loadConfig,
  openDatabase,
  OutboxRelay,
  type ReceivedEvent,
  serviceEnv,
  Subscriptions,
  UnitOfWork,
} from "../../src";

/** The relay publishes through the sidecar of a throwaway app that also consumes the topic. */
const Probed = defineEvent("Probed", "platform-probe", z.object({ marker: z.string() }));
const received: Array<ReceivedEvent<{ marker: string }>> = [];
const log = createLogger("outbox-probe", "error");
let probe: Awaited<ReturnType<typeof startProbe>>;
let ds: ReturnType<typeof createDataSource>;
let relay: OutboxRelay;
let uow: UnitOfWork;

const waitFor = async (cond: () => boolean, what: string, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const pending = async (marker: string) =>
  (await ds.query("SELECT published_at FROM outbox WHERE JSON_VALUE(payload, '$.marker') = ?", [marker])) as Array<{
    published_at: Date | null;
  }>;

beforeAll(async () => {
  probe = await startProbe("outbox-probe", 0, new Subscriptions("pubsub").on(Probed, async (e) => void received.push(e)));
  const config = loadConfig("outbox-probe", { ...serviceEnv, ...databaseEnv }, {
    PORT: String(probe.spec.appPort),
    DAPR_HTTP_PORT: String(probe.spec.daprHttpPort),
    DAPR_API_TOKEN: tokensOf("outbox-probe").daprApiToken,
    DB_PORT: String(INFRA.mariadbPort),
    DB_USER: INFRA.dbUser,
    DB_PASSWORD: INFRA.dbPassword,
    DB_NAME: "platform_test",
  });
  ds = await openDatabase(createDataSource(config, { entities: [], migrations: [] }), config);
  relay = new OutboxRelay(ds, createDaprClient(config, log), log, { pubsubName: "pubsub", source: "outbox-probe", pollIntervalMs: 200 });
  uow = new UnitOfWork(ds, relay);
  relay.start();
  // The consumer group has joined once a first event makes the round trip.
  const warm = randomUUID();
  await uow.run(async (tx) => tx.publish(Probed, { marker: warm }));
  await waitFor(() => received.some((e) => e.data.marker === warm), "warm-up event", 60_000);
}, 90_000);

afterAll(async () => {
  await relay.stop();
  await probe.stop();
  await ds.destroy();
});

describe("transactional outbox through a real sidecar and Kafka", () => {
  it("publishes an event only after its transaction commits, with the outbox row's id", async () => {
    const marker = randomUUID();
    await uow.run(async (tx) => {
      await tx.manager.query("SELECT 1");
      tx.publish(Probed, { marker });
    });
    await waitFor(() => received.some((e) => e.data.marker === marker), "committed event");
    const row = (await ds.query("SELECT event_id, published_at FROM outbox WHERE JSON_VALUE(payload, '$.marker') = ?", [marker]))[0];
    expect(row.published_at).not.toBeNull();
    expect(received.find((e) => e.data.marker === marker)).toMatchObject({ id: row.event_id, type: "Probed", source: "outbox-probe" });
  });

  it("never writes or publishes the events of a transaction that rolls back", async () => {
    const marker = randomUUID();
    await expect(
      uow.run(async (tx) => {
        tx.publish(Probed, { marker });
        throw new Error("business rule failed");
      }),
    ).rejects.toThrow("business rule failed");
    expect(await pending(marker)).toEqual([]);

    // Anything published after it arrives; the rolled-back event never does.
    const after = randomUUID();
    await uow.run(async (tx) => tx.publish(Probed, { marker: after }));
    await waitFor(() => received.some((e) => e.data.marker === after), "later event");
    expect(received.some((e) => e.data.marker === marker)).toBe(false);
  });

  it("refuses to record an event that breaks its contract, rolling the transaction back", async () => {
    await expect(uow.run(async (tx) => tx.publish(Probed, { marker: 42 } as never))).rejects.toThrow();
  });

  it("keeps events while the sidecar is down and publishes them when it is back", async () => {
    await stopSidecar(probe.spec.name);
    const marker = randomUUID();
    await uow.run(async (tx) => tx.publish(Probed, { marker }));
    expect(await relay.drain()).toBe(0);
    expect(await pending(marker)).toEqual([{ published_at: null }]);
    await startSidecar(probe.spec);
    await waitFor(() => received.some((e) => e.data.marker === marker), "event held back during the outage", 60_000);
  }, 90_000);

  it("applies an event once per consumer, even when delivered concurrently", async () => {
    await ds.query("CREATE TABLE IF NOT EXISTS probe_effects (id INT AUTO_INCREMENT PRIMARY KEY, event_id VARCHAR(64))");
    const eventId = randomUUID();
    const apply = () => uow.runOnce("probe.effects", eventId, async (tx) => {
      await tx.manager.query("INSERT INTO probe_effects (event_id) VALUES (?)", [eventId]);
    });
    const results = await Promise.all([apply(), apply(), apply()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await apply()).toBe(false);
    expect(await ds.query("SELECT COUNT(*) AS n FROM probe_effects WHERE event_id = ?", [eventId])).toEqual([{ n: "1" }]);
  });

  it("purges relayed outbox rows and old inbox marks, never what is still to be published", async () => {
    await relay.stop(); // the old unpublished row below stays unpublished
    const ids = { oldPublished: randomUUID(), oldPending: randomUUID(), recentPublished: randomUUID() };
    const row = "INSERT INTO outbox (event_id, topic, type, payload, created_at, published_at) VALUES (?, 'platform-housekeeping', 'Probed', '{}', ?, ?)";
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await ds.query(row, [ids.oldPublished, daysAgo(30), daysAgo(30)]);
    await ds.query(row, [ids.oldPending, daysAgo(30), null]);
    await ds.query(row, [ids.recentPublished, daysAgo(1), daysAgo(1)]);
    const marks = { old: randomUUID(), recent: randomUUID() };
    await ds.query("INSERT INTO inbox (consumer, event_id, processed_at) VALUES ('housekeeping-test', ?, ?), ('housekeeping-test', ?, ?)", [
      marks.old, daysAgo(30), marks.recent, daysAgo(1),
    ]);
    const keeper = new Housekeeper(ds, log, { intervalMs: 100, outboxDays: 7, inboxDays: 14, idempotencyHours: 24 });
    // This run's rows only: an earlier run on the same database left its own (pending ones stay).
    const outbox = async () =>
      ((await ds.query("SELECT event_id FROM outbox WHERE event_id IN (?)", [Object.values(ids)])) as Array<{ event_id: string }>).map((r) => r.event_id).sort();
    const inbox = async () =>
      ((await ds.query("SELECT event_id FROM inbox WHERE consumer = 'housekeeping-test' AND event_id IN (?)", [Object.values(marks)])) as Array<{ event_id: string }>).map((r) => r.event_id);
    keeper.start();
    try {
      const deadline = Date.now() + 30_000;
      while ((await outbox()).includes(ids.oldPublished) || (await inbox()).includes(marks.old)) {
        if (Date.now() > deadline) throw new Error("old rows not purged within 30 s");
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await keeper.stop();
    }
    expect(await outbox()).toEqual([ids.oldPending, ids.recentPublished].sort());
    expect(await inbox()).toEqual([marks.recent]);
  });
});
