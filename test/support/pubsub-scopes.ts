import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "@concert/devstack";
import { parse } from "yaml";

/** The topic scopes of a Dapr pub/sub component (protectedTopics, publishingScopes, subscriptionScopes). */
export interface PubsubScopes {
  protectedTopics: string[];
  publishing: Record<string, string[]>;
  subscription: Record<string, string[]>;
}

type Component = { spec: { metadata: Array<{ name: string; value?: string }> } };

const perApp = (value = ""): Record<string, string[]> =>
  Object.fromEntries(
    value
      .split(";")
      .filter(Boolean)
      .map((entry) => {
        const [app, topics = ""] = entry.split("=");
        return [app!, topics.split(",").filter(Boolean)];
      }),
  );

export function scopesOf(component: Component): PubsubScopes {
  const meta = (name: string) => component.spec.metadata.find((m) => m.name === name)?.value;
  return {
    protectedTopics: (meta("protectedTopics") ?? "").split(",").filter(Boolean),
    publishing: perApp(meta("publishingScopes")),
    subscription: perApp(meta("subscriptionScopes")),
  };
}

/** daprd's namespace when NAMESPACE is not set (the local stack): it prefixes the outbox's internal topic. */
export const LOCAL_DAPR_NAMESPACE = "default";

/** The local pub/sub component's scopes (components/pubsub.yaml). */
export const localPubsubScopes = () => scopesOf(parse(readFileSync(join(ROOT, "components", "pubsub.yaml"), "utf8")));

/** Whether daprd lets `app` use `topic` under `grants` (pkg/runtime/pubsub IsOperationAllowed, without allowedTopics). */
export function allowed(scopes: PubsubScopes, grants: Record<string, string[]>, app: string, topic: string): boolean {
  const granted = grants[app];
  if (!scopes.protectedTopics.includes(topic) && granted === undefined) return true;
  return granted?.includes(topic) ?? false;
}
