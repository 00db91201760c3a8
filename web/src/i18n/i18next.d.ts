// Typed keys: t("nav.workflows") is checked against the English catalogue by tsc.
import "i18next";
import type { en } from "./en";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: typeof en;
  }
}
