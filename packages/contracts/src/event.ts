import { z } from "zod";

/** One event type: its name, the topic it travels on and the runtime schema of its payload. */
export interface EventContract<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly topic: string;
  readonly schema: S;
}

export type PayloadOf<C extends EventContract> = z.infer<C["schema"]>;

export function defineEvent<S extends z.ZodType>(type: string, topic: string, schema: S): EventContract<S> {
  return { type, topic, schema };
}
