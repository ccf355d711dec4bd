import { type Breaker, createBreaker } from "@concert/platform";
import type { DataplatformConfig } from "../config";
import type { ReservationRecord } from "../events/handlers";

/**
 * The external data platform over HTTP, behind a breaker: while it is down or slow, deliveries
 * fail fast and wait for their next attempt instead of piling up requests.
 */
export class DataPlatformClient {
  private readonly breaker: Breaker<[ReservationRecord, string], void>;

  constructor(config: DataplatformConfig) {
    const url = new URL("/v1/reservations", config.DATA_PLATFORM_URL);
    this.breaker = createBreaker(
      "dataplatform",
      async (record: ReservationRecord, key: string) => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": key },
          body: JSON.stringify(record),
          signal: AbortSignal.timeout(config.DATA_PLATFORM_TIMEOUT_MS),
        });
        await res.arrayBuffer();
        // 2xx: stored now; 409: stored by an earlier attempt whose answer we lost.
        if (!res.ok && res.status !== 409) throw new Error(`data platform answered ${res.status}`);
      },
      { timeout: config.DATA_PLATFORM_TIMEOUT_MS + 500, resetTimeout: config.DATA_PLATFORM_BREAKER_RESET_MS, volumeThreshold: 3 },
    );
  }

  send = (record: ReservationRecord, key: string): Promise<void> => this.breaker.fire(record, key);
}
