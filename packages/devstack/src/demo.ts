import { localSecrets } from "./secrets";

/**
 * A concert to book on a fresh `make run`: created through the public API as the local operator
 * when the catalog is empty (booking open now, the show in two months), so a newcomer can book
 * a seat in the web app without setting anything up first. Returns its title, or null when the
 * catalog already had concerts.
 */
export async function seedDemoConcert(gateway: string): Promise<string | null> {
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${gateway}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const catalog = (await call("GET", "/api/concerts?limit=1")) as { items: unknown[] };
  if (catalog.items.length) return null;
  const login = await call("POST", "/api/auth/login", { email: "admin@concert.local", password: localSecrets().adminPassword });
  const token = login.accessToken as string;
  const title = "아이유 콘서트 · IU Golden Hour";
  const concert = await call("POST", "/api/admin/concerts", { title, venue: "KSPO Dome, Seoul", description: "A demo concert for the local run." }, token);
  const show = new Date(Date.now() + 60 * 86_400_000);
  show.setUTCHours(10, 0, 0, 0); // 19:00 in Seoul
  await call(
    "POST",
    `/api/admin/concerts/${concert.id as string}/schedules`,
    {
      startsAt: show.toISOString(),
      bookingOpensAt: new Date(Date.now() - 60_000).toISOString(),
      sections: [
        { name: "VIP", rows: 2, seatsPerRow: 12, price: 165_000 },
        { name: "R", rows: 4, seatsPerRow: 16, price: 143_000 },
        { name: "S", rows: 4, seatsPerRow: 20, price: 99_000 },
      ],
    },
    token,
  );
  return title;
}
