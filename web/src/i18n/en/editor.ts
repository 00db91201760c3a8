// English texts of the editor namespace.
export const editor = {} as const;
