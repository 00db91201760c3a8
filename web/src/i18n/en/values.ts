// English texts of the values namespace.
export const values = {} as const;
