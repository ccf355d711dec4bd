import { runMain, startMysqlService, tokenSigner } from "@concert/platform";
import { loadUserConfig } from "./config";
import { userRoutes } from "./http/routes";
import { User } from "./infra/entities";
import { Users1763700000300 } from "./infra/migrations/1763700000300-users";
import { seedAdmin } from "./infra/seed";

runMain(async () => {
  const config = loadUserConfig();
  const signer = await tokenSigner(config.JWT_PRIVATE_KEY, config.JWT_ISSUER);
  const { parts } = await startMysqlService({
    name: "user",
    config,
    entities: [User],
    migrations: [Users1763700000300],
    routes: ({ ds }) => [userRoutes(ds, signer, config.ACCESS_TOKEN_TTL_SECONDS)],
  });
  await seedAdmin(parts.ds, parts.log, config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
});
