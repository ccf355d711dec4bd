import { randomUUID } from "node:crypto";
import { PaymentApproved, PaymentDeclined, PaymentRefunded, WalletCharged } from "@concert/contracts";
import { problems, type Transaction, type UnitOfWork } from "@concert/platform";
import { applyMovement, decidePayment, type LedgerKind, type PaymentStatus } from "../domain/wallet";

export interface PaymentView {
  paymentId: string;
  userId: string;
  reservationId: string;
  amount: number;
  status: PaymentStatus;
  refunded: boolean;
}

interface PaymentRow {
  paymentId: string;
  userId: string;
  reservationId: string;
  amount: string;
  status: PaymentStatus;
  refundedAt: Date | null;
}

const PAYMENT = `SELECT payment_id AS paymentId, user_id AS userId, reservation_id AS reservationId, amount, status, refunded_at AS refundedAt
  FROM payments WHERE payment_id = ? FOR UPDATE`;

const toView = (p: PaymentRow): PaymentView => ({
  paymentId: p.paymentId,
  userId: p.userId,
  reservationId: p.reservationId,
  amount: Number(p.amount),
  status: p.status,
  refunded: p.refundedAt !== null,
});

/**
 * Every movement locks the user's wallet row first, so movements of one user serialize and a
 * paymentId or refund is looked up only after the previous movement committed: none applies twice.
 */
export class Wallets {
  constructor(private readonly uow: UnitOfWork) {}

  async balance(userId: string): Promise<number> {
    return this.uow.run(async (tx) => {
      const [row] = await tx.manager.query("SELECT balance FROM wallets WHERE user_id = ?", [userId]);
      return Number(row?.balance ?? 0);
    });
  }

  /**
   * Tops up once per chargeId: a charge whose id is already in the ledger changes nothing (a
   * retry whose Idempotency-Key record was lost in a crash after the charge committed).
   */
  async charge(userId: string, amount: number, chargeId: string = randomUUID()): Promise<{ balance: number; chargeId: string }> {
    return this.uow.run(async (tx) => {
      const { walletId, balance } = await this.lockWallet(tx, userId);
      const done = await tx.manager.query("SELECT 1 FROM ledger WHERE kind = 'CHARGE' AND reference = ?", [chargeId]);
      if (done.length) return { balance, chargeId };
      const next = await this.move(tx, userId, "CHARGE", amount, balance, chargeId);
      tx.publish(WalletCharged, { walletId, userId, amount, balance: next }, userId);
      return { balance: next, chargeId };
    });
  }

  /** Pays once per paymentId: APPROVED when the balance covers it, else DECLINED. */
  async pay(req: { paymentId: string; userId: string; reservationId: string; amount: number }): Promise<PaymentView> {
    return this.uow.run(async (tx) => {
      const { balance } = await this.lockWallet(tx, req.userId);
      const [existing]: PaymentRow[] = await tx.manager.query(PAYMENT, [req.paymentId]);
      if (existing) {
        if (existing.userId !== req.userId || Number(existing.amount) !== req.amount || existing.reservationId !== req.reservationId) {
          throw problems.conflict("This paymentId was already used for another payment.");
        }
        return toView(existing);
      }
      const status = decidePayment(balance, req.amount);
      await tx.manager.query("INSERT INTO payments (payment_id, user_id, reservation_id, amount, status) VALUES (?, ?, ?, ?, ?)", [
        req.paymentId,
        req.userId,
        req.reservationId,
        req.amount,
        status,
      ]);
      if (status === "APPROVED") {
        const next = await this.move(tx, req.userId, "PAYMENT", req.amount, balance, req.paymentId);
        tx.publish(PaymentApproved, { ...req, balance: next }, req.userId);
      } else {
        tx.publish(PaymentDeclined, { ...req, reason: "insufficient_balance" }, req.userId);
      }
      return { ...req, status, refunded: false };
    });
  }

  /**
   * The saga's compensation for a payment whose outcome it may not know (a timeout, a crash):
   * refunds it if it was approved, and if it never arrived records it VOIDED, so that a late
   * arrival of the same paymentId is refused instead of debiting. Idempotent.
   */
  async void(req: { paymentId: string; userId: string; reservationId: string; amount: number }): Promise<PaymentView> {
    const voided = await this.uow.run(async (tx) => {
      await this.lockWallet(tx, req.userId);
      const [existing]: PaymentRow[] = await tx.manager.query(PAYMENT, [req.paymentId]);
      if (existing) return undefined;
      await tx.manager.query("INSERT INTO payments (payment_id, user_id, reservation_id, amount, status) VALUES (?, ?, ?, ?, 'VOIDED')", [
        req.paymentId,
        req.userId,
        req.reservationId,
        req.amount,
      ]);
      return { ...req, status: "VOIDED" as const, refunded: false };
    });
    if (voided) return voided;
    return this.refund(req.paymentId, { onlyIfApproved: true });
  }

  /** Gives an approved payment back, once. */
  async refund(paymentId: string, options: { onlyIfApproved?: boolean } = {}): Promise<PaymentView> {
    return this.uow.run(async (tx) => {
      const [peek]: PaymentRow[] = await tx.manager.query("SELECT user_id AS userId FROM payments WHERE payment_id = ?", [paymentId]);
      if (!peek) throw problems.notFound(`Payment ${paymentId}`);
      const { balance } = await this.lockWallet(tx, peek.userId);
      const [payment]: PaymentRow[] = await tx.manager.query(PAYMENT, [paymentId]);
      if (payment!.status !== "APPROVED") {
        if (options.onlyIfApproved) return toView(payment!);
        throw problems.conflict("Only an approved payment can be refunded.");
      }
      if (payment!.refundedAt) return toView(payment!);
      const amount = Number(payment!.amount);
      const next = await this.move(tx, payment!.userId, "REFUND", amount, balance, paymentId);
      await tx.manager.query("UPDATE payments SET refunded_at = NOW(3) WHERE payment_id = ?", [paymentId]);
      tx.publish(PaymentRefunded, { paymentId, userId: payment!.userId, reservationId: payment!.reservationId, amount, balance: next }, payment!.userId);
      return { ...toView(payment!), refunded: true };
    });
  }

  private async lockWallet(tx: Transaction, userId: string): Promise<{ walletId: string; balance: number }> {
    await tx.manager.query("INSERT IGNORE INTO wallets (user_id, wallet_id, balance) VALUES (?, ?, 0)", [userId, randomUUID()]);
    const [row] = await tx.manager.query("SELECT wallet_id AS walletId, balance FROM wallets WHERE user_id = ? FOR UPDATE", [userId]);
    return { walletId: row.walletId, balance: Number(row.balance) };
  }

  private async move(tx: Transaction, userId: string, kind: LedgerKind, amount: number, balance: number, reference: string): Promise<number> {
    const next = applyMovement(balance, kind, amount);
    await tx.manager.query("UPDATE wallets SET balance = ? WHERE user_id = ?", [next, userId]);
    await tx.manager.query("INSERT INTO ledger (user_id, kind, amount, balance_after, reference) VALUES (?, ?, ?, ?, ?)", [
      userId,
      kind,
      amount,
      next,
      reference,
    ]);
    return next;
  }
}
