import { runMain, startMysqlService } from "@concert/platform";
import { loadUserConfig } from "./config";
import { userRoutes } from "./http/routes";
import { User } from "./infra/entities";
import { Users1763700000300 } from "./infra/migrations/1763700000300-users";
import { seedAdmin } from "./infra/seed";

runMain(async () => {
  const config = loadUserConfig();
  const { parts } = await startMysqlService({
    name: "user",
    config,
    entities: [User],
    migrations: [Users1763700000300],
    routes: ({ ds }) => [userRoutes(ds, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER }, config.ACCESS_TOKEN_TTL_SECONDS)],
  });
  await seedAdmin(parts.ds, parts.log, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
});
