import type { AddressInfo } from "node:net";
import Koa from "koa";
import { idempotent, type IdempotencyRecord, type IdempotencyStore } from "../../src/idempotency";

/** The store's contract in memory: claims, completes and abandons keys. */
class MemoryStore implements IdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord>();

  async claim(key: string, requestHash: string) {
    const existing = this.records.get(key);
    if (existing) return existing;
    this.records.set(key, { requestHash });
    return undefined;
  }

  async complete(key: string, r: { status: number; contentType: string; body: unknown }) {
    this.records.set(key, { ...this.records.get(key)!, ...r });
  }

  async abandon(key: string) {
    if (this.records.get(key)?.status === undefined) this.records.delete(key);
  }
}

async function serve(answers: Array<{ status: number; body: unknown }>) {
  const store = new MemoryStore();
  let calls = 0;
  const app = new Koa();
  app.use(idempotent(store));
  app.use((ctx) => {
    const a = answers[Math.min(calls++, answers.length - 1)]!;
    ctx.status = a.status;
    ctx.body = a.body;
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay`;
  const post = async () => {
    const res = await fetch(url, { method: "POST", headers: { "idempotency-key": "k-1" } });
    return { status: res.status, replayed: res.headers.get("idempotency-replayed"), body: await res.json() };
  };
  return { post, calls: () => calls, close: () => new Promise((r) => server.close(r)) };
}

describe("Idempotency-Key", () => {
  it("replays a final answer without running the request again", async () => {
    const s = await serve([{ status: 200, body: { status: "CONFIRMED" } }]);
    expect(await s.post()).toMatchObject({ status: 200, replayed: null });
    expect(await s.post()).toMatchObject({ status: 200, replayed: "true", body: { status: "CONFIRMED" } });
    expect(s.calls()).toBe(1);
    await s.close();
  });

  it("keeps no 202: the retry runs again and its final answer is the one kept", async () => {
    const s = await serve([{ status: 202, body: { status: "PENDING_PAYMENT" } }, { status: 200, body: { status: "CONFIRMED" } }]);
    expect(await s.post()).toMatchObject({ status: 202 });
    expect(await s.post()).toMatchObject({ status: 200, replayed: null, body: { status: "CONFIRMED" } });
    expect(await s.post()).toMatchObject({ status: 200, replayed: "true" });
    expect(s.calls()).toBe(2);
    await s.close();
  });
});
