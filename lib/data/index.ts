export {};
export * from "./manifest";
export * from "./locate";
export * from "./payload";
export * from "./ustar";
export * from "./idx";
export * from "./fashion-mnist";
export * from "./california-housing";
export * from "./iris";
