import { randomUUID } from "node:crypto";
import { createReservationRequest, offerReservationRequest, ReservationCreated, uuidParam } from "@concert/contracts";
import {
  QUEUE_TOKEN_ID_HEADER,
  idempotent,
  idOfIdempotencyKey,
  type IdempotencyStore,
  PRINCIPAL_HEADERS,
  problems,
  Router,
  type Upstream,
  validate,
} from "@concert/platform";
import type { DaprWorkflowClient } from "@dapr/dapr";
import type { Context } from "koa";
import type { ReservationConfig } from "../config";
import { cancellationCutoff, newReservation, pastCancellationCutoff, paymentRefusal, type Reservation, viewOf } from "../domain/reservation";
import type { ReservationStore } from "../infra/store";
import { booking, BOOKING_WORKFLOW, type BookingInput, CANCEL_REQUESTED, PAYMENT_REQUESTED } from "../workflows/booking";
import { CANCELLATION_WORKFLOW, cancellationInstance } from "../workflows/cancellation";

interface Deps {
  config: ReservationConfig;
  store: ReservationStore;
  workflows: DaprWorkflowClient;
  seat: Upstream;
  wallet: Upstream;
  idempotency: IdempotencyStore;
}

const callerOf = (ctx: Context) => ({ userId: ctx.get(PRINCIPAL_HEADERS.userId), admin: ctx.get(PRINCIPAL_HEADERS.role) === "admin" });

/** The reservation's internal API: create (hold), read, pay, cancel. */
export function reservationRoutes({ config, store, workflows, seat, wallet, idempotency }: Deps): Router {
  const router = new Router();

  /**
   * The caller's reservation; another user's does not exist for them. An admin may read any
   * reservation, but only its owner pays for it or cancels it (`act`).
   */
  const own = async (ctx: Context, act = false): Promise<Reservation> => {
    const id = validate(uuidParam, ctx.params.id, "path");
    const r = await store.get(id);
    const caller = callerOf(ctx);
    if (!r || (r.userId !== caller.userId && !(caller.admin && !act))) throw problems.notFound(`Reservation ${id}`);
    return r;
  };

  /**
   * Waits until the saga moved the reservation on (or `done` says so), up to SAGA_WAIT_MS: woken
   * by this process's own writes, and reading again at least every SETTLE_POLL_MS for writes
   * another replica made. Subscribing before each read means no write slips in between.
   */
  const settle = async (id: string, done: (r: Reservation) => boolean): Promise<Reservation> => {
    const deadline = Date.now() + config.SAGA_WAIT_MS;
    for (;;) {
      const written = store.nextWrite(id, Math.max(1, Math.min(config.SETTLE_POLL_MS, deadline - Date.now())));
      const r = (await store.get(id))!;
      if (done(r) || Date.now() >= deadline) return r;
      const next = await written;
      if (next && done(next)) return next;
    }
  };

  /**
   * Holds the seats and starts the saga: a booking (POST /reservations), or a waiting-list
   * claim (POST /offer-reservations, the waitlist app's alone), whose seats move from the offer.
   */
  const create = (schema: typeof createReservationRequest | typeof offerReservationRequest) => async (ctx: Context) => {
    const userId = validate(uuidParam, ctx.get(PRINCIPAL_HEADERS.userId), "user");
    const body = validate(schema, ctx.request.body);
    const queueToken = ctx.get(QUEUE_TOKEN_ID_HEADER) ? validate(uuidParam, ctx.get(QUEUE_TOKEN_ID_HEADER), "queue token") : undefined;
    // With an Idempotency-Key the reservation's id comes from it: a retry after a lost answer
    // (the seat call timed out after the hold committed, or we stopped after it) finds its own
    // hold again instead of a 409 on its own seats.
    const key = ctx.get("idempotency-key");
    const id = key ? idOfIdempotencyKey(userId, "reservation", key) : randomUUID();
    // Seats are held synchronously: "not available" is answered now, never later.
    const held = await seat.call({ method: "POST", path: "/holds", body: { reservationId: id, userId, ...body, holdSeconds: config.HOLD_SECONDS } });
    if (held.status !== 201 && held.status !== 200) {
      ctx.status = held.status;
      ctx.type = held.contentType;
      ctx.body = held.body;
      return;
    }
    const hold = held.body as { concertId: string; startsAt: string | null; seatNumbers: string[]; amount: number; expiresAt: string };
    const cancellableUntil = cancellationCutoff(hold.startsAt, config.CANCEL_CUTOFF_MINUTES);
    const r = newReservation(
      {
        id,
        userId,
        scheduleId: body.scheduleId,
        concertId: hold.concertId,
        seatNumbers: hold.seatNumbers,
        amount: hold.amount,
        holdExpiresAt: hold.expiresAt,
        ...(cancellableUntil ? { cancellableUntil } : {}),
        ...(queueToken ? { queueToken } : {}),
      },
      new Date(),
    );
    // The saga first, then the reservation: a reservation is never stored without the saga
    // that will settle it. If we stop in between, the saga's timer finds no reservation and
    // only gives the seats back.
    let scheduled = false;
    try {
      const existing = held.status === 200 ? await store.get(id) : undefined;
      if (existing) {
        // The earlier attempt got as far as storing it: its saga runs, answer with it.
        ctx.status = 201;
        ctx.set("Location", `/reservations/${id}`);
        ctx.body = viewOf(existing);
        return;
      }
      const saga = held.status === 200 ? await workflows.getWorkflowState(id, false).catch(() => undefined) : undefined;
      if (!saga) await workflows.scheduleNewWorkflow(BOOKING_WORKFLOW, { reservationId: id, holdExpiresAt: hold.expiresAt } satisfies BookingInput, id);
      scheduled = true;
      await store.create(r, {
        contract: ReservationCreated,
        data: { ...booking(r), amount: r.amount, holdExpiresAt: r.holdExpiresAt, createdAt: r.createdAt },
      });
    } catch (err) {
      // Give the seats back now (best effort; the saga's timer and the seat sweeper are the
      // backstops) and end the saga, whichever of the two steps failed.
      await seat.call({ method: "POST", path: `/holds/${id}/release`, body: { reason: "compensated" } }).catch(() => undefined);
      if (scheduled) await workflows.raiseEvent(id, CANCEL_REQUESTED, {}).catch(() => undefined);
      throw err;
    }
    ctx.status = 201;
    ctx.set("Location", `/reservations/${id}`);
    ctx.body = viewOf(r);
  };
  router.post("/reservations", idempotent(idempotency), create(createReservationRequest));
  router.post("/offer-reservations", idempotent(idempotency), create(offerReservationRequest));

  router.get("/reservations/:id", async (ctx) => {
    ctx.body = viewOf(await own(ctx));
  });

  router.post("/reservations/:id/payment", idempotent(idempotency), async (ctx) => {
    const r = await own(ctx, true);
    const refusal = paymentRefusal(r, new Date());
    if (refusal) throw problems.conflict(refusal, { status: r.status, ...(r.reason ? { reason: r.reason } : {}) });
    // Fail fast while the wallet is known to be down: nothing changes, the hold stays.
    if (wallet.breakerOpen) throw problems.unavailable("Payment is unavailable right now; your seats stay held.", 5);
    const attempt = randomUUID();
    await workflows.raiseEvent(r.id, PAYMENT_REQUESTED, { attempt });
    const after = await settle(
      r.id,
      (x) => x.status !== "PENDING_PAYMENT" || (x.lastPayment?.attempt === attempt && x.lastPayment.outcome === "UNAVAILABLE"),
    );
    if (after.status === "CONFIRMED") {
      ctx.body = viewOf(after);
    } else if (after.status === "FAILED" && after.reason === "payment_declined") {
      throw problems.paymentRequired("Insufficient balance; the reservation failed and its seats were released.");
    } else if (after.status !== "PENDING_PAYMENT") {
      throw problems.conflict("The reservation could not be completed.", { status: after.status, reason: after.reason });
    } else if (after.lastPayment?.attempt === attempt && after.lastPayment.outcome === "UNAVAILABLE") {
      throw problems.unavailable("Payment is unavailable right now; your seats stay held.", 5);
    } else {
      ctx.status = 202;
      ctx.body = viewOf(after);
    }
  });

  router.delete("/reservations/:id", async (ctx) => {
    const r = await own(ctx, true);
    if (pastCancellationCutoff(r, new Date())) {
      throw problems.conflict(`Cancellation closed at ${r.cancellableUntil}, before the show.`, { cancellableUntil: r.cancellableUntil });
    }
    if (r.status === "PENDING_PAYMENT") {
      await workflows.raiseEvent(r.id, CANCEL_REQUESTED, {});
    } else if (r.status === "CONFIRMED") {
      // One cancellation saga per reservation: a repeated or concurrent DELETE follows the
      // running one (when two start it at once, the loser finds the winner's instance).
      const instance = cancellationInstance(r.id);
      const running = () => workflows.getWorkflowState(instance, false).catch(() => undefined);
      if (!(await running())) {
        try {
          await workflows.scheduleNewWorkflow(CANCELLATION_WORKFLOW, r.id, instance);
        } catch (err) {
          if (!(await running())) throw err;
        }
      }
    } else {
      throw problems.conflict("Only a pending or confirmed reservation can be cancelled.", { status: r.status });
    }
    const after = await settle(r.id, (x) => x.status === "FAILED" || x.status === "CANCELLED");
    if (after.status === "FAILED" || after.status === "CANCELLED") {
      ctx.body = viewOf(after);
    } else if (after.status !== r.status) {
      // A payment completed first: the cancellation of a pending reservation did not apply.
      throw problems.conflict("The reservation was paid meanwhile; cancel it again to get a refund.", { status: after.status });
    } else {
      ctx.status = 202;
      ctx.body = viewOf(after);
    }
  });

  return router;
}
