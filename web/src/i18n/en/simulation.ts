// English texts of the simulation namespace.
export const simulation = {} as const;
