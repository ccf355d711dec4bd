import { ACCESS_TOKEN_AUDIENCE, type Logger, type TokenVerifier, type Upstream } from "@concert/platform";
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/**
 * The user service's public keys for access tokens (its JWKS), held by the gateway. Loaded at
 * start (the gateway is not ready before), refreshed every few minutes, and at once (at most
 * every `cooldownMs`) when a token names a key id it does not know, as after a key rotation. The
 * last good set is kept while the user service is away: verifying tokens never depends on it
 * being up.
 */
export class SigningKeys {
  private set?: JWTVerifyGetKey;
  private timer?: NodeJS.Timeout;
  private lastFetch = 0;
  private fetching?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly user: Upstream,
    private readonly issuer: string,
    private readonly log: Logger,
    private readonly refreshMs = 300_000,
    private readonly cooldownMs = 30_000,
  ) {}

  get loaded(): boolean {
    return this.set !== undefined;
  }

  /** Verifies against the current set; an unknown key id triggers a refresh for the next request. */
  readonly keys: JWTVerifyGetKey = async (header, token) => {
    if (!this.set) {
      void this.refresh();
      throw new errors.JWKSNoMatchingKey();
    }
    try {
      return await this.set(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey && Date.now() - this.lastFetch > this.cooldownMs) void this.refresh();
      throw err;
    }
  };

  get verifier(): TokenVerifier {
    return { keys: this.keys, issuer: this.issuer, audience: ACCESS_TOKEN_AUDIENCE };
  }

  start(): void {
    void this.refresh();
    // Until the first load every few seconds, then every refreshMs.
    const tick = () => {
      if (this.stopped) return;
      this.timer = setTimeout(async () => {
        await this.refresh();
        tick();
      }, this.loaded ? this.refreshMs : 2_000);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  refresh(): Promise<void> {
    this.fetching ??= this.fetch().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetch(): Promise<void> {
    this.lastFetch = Date.now();
    try {
      const res = await this.user.call({ method: "GET", path: "/.well-known/jwks.json" });
      const jwks = res.body as JSONWebKeySet;
      if (res.status !== 200 || !Array.isArray(jwks?.keys) || jwks.keys.length === 0) throw new Error(`user answered ${res.status}`);
      this.set = createLocalJWKSet(jwks);
    } catch (err) {
      this.log.warn({ err: String(err), loaded: this.loaded }, "could not load the access-token keys; keeping the last ones");
    }
  }
}
