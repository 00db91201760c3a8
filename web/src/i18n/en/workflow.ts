// English texts of the workflow namespace.
export const workflow = {} as const;
