import { computed, signal } from "@preact/signals";

/** The signed-in fan or operator: the access token and what it says (kept across reloads). */
export interface Session {
  token: string;
  userId: string;
  role: "user" | "admin";
  expiresAt: number;
}

const KEY = "concert.session";

function claimsOf(token: string): Session | null {
  try {
    const part = token.split(".")[1] ?? "";
    const json = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string; role?: string; exp: number };
    return { token, userId: json.sub, role: json.role === "admin" ? "admin" : "user", expiresAt: json.exp * 1000 };
  } catch {
    return null;
  }
}

function restore(): Session | null {
  const s = claimsOf(localStorage.getItem(KEY) ?? "");
  return s && s.expiresAt > Date.now() ? s : null;
}

export const session = signal<Session | null>(restore());
export const signedIn = computed(() => session.value !== null);
export const isAdmin = computed(() => session.value?.role === "admin");

export function signIn(token: string): Session | null {
  const s = claimsOf(token);
  if (s) localStorage.setItem(KEY, token);
  session.value = s;
  return s;
}

export function signOut(): void {
  localStorage.removeItem(KEY);
  session.value = null;
}
