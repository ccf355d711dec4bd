import { defineEvent } from "@concert/contracts";
import { INFRA, localSecrets, startSidecar, stopSidecar } from "@concert/devstack";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { startProbe } from "../../../../test/support/probe";
import {
  createDaprClient,
  createDataSource,
  createLogger,
  databaseEnv,
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
    DAPR_API_TOKEN: localSecrets().daprApiToken,
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
});
