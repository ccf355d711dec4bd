export * from "./event";
export * from "./catalog";
export * from "./events";
export * from "./api";
