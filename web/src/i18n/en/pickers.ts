// English texts of the pickers namespace.
export const pickers = {} as const;
