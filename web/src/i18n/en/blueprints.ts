// English texts of the blueprints catalog (/blueprints): the list, one blueprint, its inputs form.
export const blueprints = {
  title: "Blueprints",
} as const;
