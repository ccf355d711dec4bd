import { EventEmitter } from "node:events";
import type { DaprClient } from "@dapr/dapr";
import { StateConcurrencyEnum, StateConsistencyEnum } from "@dapr/dapr";
import { type EventContract, type Heartbeat, HEARTBEAT_TYPE, type PayloadOf } from "@concert/contracts";
import {
  canMove,
  moveTo,
  type Reservation,
  type ReservationStatus,
  type TransitionExtra,
} from "../domain/reservation";

const keyOf = (id: string) => `reservation-${id}`;
const strong = { consistency: StateConsistencyEnum.CONSISTENCY_STRONG, concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE };

interface Versioned {
  value: Reservation;
  etag: string;
}

export interface StatusEvent<C extends EventContract = EventContract> {
  contract: C;
  data: PayloadOf<C>;
}

class ConcurrentUpdate extends Error {}

/**
 * The reservation aggregate in the Dapr state store (MySQL), with ETag concurrency. A status
 * change and its event are one Dapr state transaction through the transactional outbox: the
 * upsert is saved, and its projection (the event payload) is what Dapr publishes once the
 * transaction committed, with the CloudEvent type set from the operation's metadata.
 */
export class ReservationStore {
  /** Every write this process made, by reservation id: what a waiting request wakes on. */
  private readonly writes = new EventEmitter().setMaxListeners(0);

  constructor(
    private readonly dapr: DaprClient,
    private readonly storeName: string,
  ) {}

  /**
   * The reservation as this process writes it next (the saga's activities usually run here),
   * or undefined after `ms`; writes by another replica are seen by reading again.
   */
  nextWrite(id: string, ms: number): Promise<Reservation | undefined> {
    return new Promise((resolve) => {
      const onWrite = (r: Reservation) => {
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.writes.off(id, onWrite);
        resolve(undefined);
      }, ms);
      this.writes.once(id, onWrite);
    });
  }

  async get(id: string): Promise<Reservation | undefined> {
    return (await this.read(id))?.value;
  }

  /** Stores a new reservation and publishes `event` with it (first write: never overwrites). */
  async create(r: Reservation, event: StatusEvent): Promise<void> {
    await this.commit(r, undefined, event);
  }

  /** Changes what is not a status (the last payment attempt); retried on a concurrent write. */
  async update(id: string, change: (r: Reservation) => Reservation): Promise<Reservation> {
    return this.retry(async () => {
      const current = await this.mustRead(id);
      const next = change(current.value);
      const res = await this.dapr.state.save(this.storeName, [{ key: keyOf(id), value: next, etag: current.etag, options: strong }]);
      if (res.error) throw new ConcurrentUpdate(String(res.error));
      this.writes.emit(id, next);
      return next;
    });
  }

  /**
   * Moves the reservation to `to` and publishes the event `eventOf` builds, atomically.
   * Idempotent: a reservation already in `to` is returned unchanged and nothing is published.
   */
  async transition(
    id: string,
    to: ReservationStatus,
    extra: TransitionExtra,
    eventOf: (r: Reservation, at: Date) => StatusEvent,
  ): Promise<Reservation> {
    return this.retry(async () => {
      const current = await this.mustRead(id);
      if (current.value.status === to) return current.value;
      if (!canMove(current.value.status, to)) return current.value;
      const at = new Date();
      const next = moveTo(current.value, to, at, extra);
      try {
        await this.commit(next, current.etag, eventOf(next, at));
      } catch (err) {
        throw new ConcurrentUpdate(String(err));
      }
      return next;
    });
  }

  /** One state transaction: the aggregate (ETag-checked) and, as its outbox projection, the event. */
  private async commit(value: Reservation, etag: string | undefined, event: StatusEvent): Promise<void> {
    const data = event.contract.schema.parse(event.data);
    await this.dapr.state.transaction(this.storeName, [
      {
        operation: "upsert",
        request: {
          key: keyOf(value.id),
          value,
          ...(etag ? { etag } : {}),
          options: strong,
          // Copied by Dapr's outbox onto the CloudEvent it publishes.
          metadata: { type: event.contract.type },
        },
      },
      {
        operation: "upsert",
        request: { key: keyOf(value.id), value: data, metadata: { "outbox.projection": "true", contentType: "application/json" } },
      },
    ] as never);
    this.writes.emit(value.id, value);
  }

  /**
   * A heartbeat through the same outbox as the aggregate's events (see EventWatchdog): if Dapr's
   * internal outbox consumer is gone, beats stop coming back just as events stop flowing.
   */
  async heartbeat(beat: Heartbeat): Promise<void> {
    await this.dapr.state.transaction(this.storeName, [
      { operation: "upsert", request: { key: `heartbeat-${beat.app}`, value: beat, metadata: { type: HEARTBEAT_TYPE } } },
      {
        operation: "upsert",
        request: { key: `heartbeat-${beat.app}`, value: beat, metadata: { "outbox.projection": "true", contentType: "application/json" } },
      },
    ] as never);
  }

  private async read(id: string): Promise<Versioned | undefined> {
    const [item] = (await this.dapr.state.getBulk(this.storeName, [keyOf(id)])) as Array<{ data?: Reservation | ""; etag?: string }>;
    if (!item?.data || !item.etag) return undefined;
    return { value: item.data, etag: item.etag };
  }

  private async mustRead(id: string): Promise<Versioned> {
    const v = await this.read(id);
    if (!v) throw new Error(`reservation ${id} is not in the state store`);
    return v;
  }

  private async retry<T>(attempt: () => Promise<T>, tries = 8): Promise<T> {
    for (let i = 1; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof ConcurrentUpdate) || i >= tries) throw err;
        await new Promise((r) => setTimeout(r, 10 * i));
      }
    }
  }
}
