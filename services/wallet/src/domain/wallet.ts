/** VOIDED: given up by the saga before (or instead of) being applied; never debits later. */
export type PaymentStatus = "APPROVED" | "DECLINED" | "VOIDED";
export type LedgerKind = "CHARGE" | "PAYMENT" | "REFUND";

/** A payment is approved only when the balance covers it: the balance never goes negative. */
export function decidePayment(balance: number, amount: number): PaymentStatus {
  return balance >= amount ? "APPROVED" : "DECLINED";
}

/** What a movement does to the balance. */
export function applyMovement(balance: number, kind: LedgerKind, amount: number): number {
  const next = kind === "PAYMENT" ? balance - amount : balance + amount;
  if (next < 0) throw new Error("a balance can never go negative");
  return next;
}
