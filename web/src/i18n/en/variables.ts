// English texts of the variables namespace.
export const variables = {} as const;
