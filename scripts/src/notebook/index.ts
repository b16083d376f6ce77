/** The nbformat 4 notebook model: reading with validation, writing like Jupyter, cell helpers. */
export * from "./cells";
export * from "./kernel-metadata";
export * from "./model";
export * from "./read";
export * from "./text";
export * from "./write";
