import type { PayloadOf, ScheduleSoldOut } from "@concert/contracts";
import type { ReceivedEvent, UnitOfWork } from "@concert/platform";

/** The catalog shows a schedule as sold out once the seat service says its last seat went. */
export function onScheduleSoldOut(uow: UnitOfWork) {
  return (event: ReceivedEvent<PayloadOf<typeof ScheduleSoldOut>>) =>
    uow.runOnce("concert.schedule-sold-out", event.id, async ({ manager }) => {
      await manager.query("UPDATE schedules SET sold_out_at = ? WHERE id = ? AND sold_out_at IS NULL", [
        new Date(event.data.soldOutAt),
        event.data.scheduleId,
      ]);
    });
}
