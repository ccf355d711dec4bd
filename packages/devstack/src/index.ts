export * from "./processes";
export * from "./secrets";
export * from "./services";
export * from "./tokens";
export * from "./invariants";
