// English texts of the workflows namespace.
export const workflows = {} as const;
