// The interface's languages (English, French) with i18next: catalogues in ./en and ./fr, the
// language from the user's saved choice, else this browser's last choice, else the browser's.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { fr } from "./fr";

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];
export const resources = { en, fr } as const;

const STORAGE_KEY = "crmflow.language";

/** `value` ("fr-FR", "en") as a supported language, or null. */
export function supported(value: string | null | undefined): Language | null {
  const code = (value ?? "").split("-")[0].toLowerCase();
  return (LANGUAGES as readonly string[]).includes(code) ? (code as Language) : null;
}

/** The language to start in: this browser's last choice, else its preferred languages, else English. */
export function initialLanguage(): Language {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be off (private modes): the browser's languages decide.
  }
  const candidates = [stored, ...(typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language])];
  for (const candidate of candidates) {
    const language = supported(candidate);
    if (language) return language;
  }
  return "en";
}

/** Switch the interface to `language` and remember it in this browser. */
export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered: the user's saved preference still applies after sign-in.
  }
  if (i18n.language !== language) void i18n.changeLanguage(language);
}

/** Forget this browser's choice (the user picked "the browser's language"). */
export function followBrowser(): Language {
  try {
    localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
  const language = initialLanguage();
  void i18n.changeLanguage(language);
  return language;
}

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: false,
  defaultNS: "common",
  ns: Object.keys(en),
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  // A text missing from a catalogue is a bug: said loudly (the browser tests fail on console errors).
  saveMissing: true,
  missingKeyHandler: (languages, namespace, key) => {
    console.error(`missing translation: ${namespace}:${key} (${languages.join(", ")})`);
  },
});

i18n.on("languageChanged", (language) => {
  if (typeof document !== "undefined") document.documentElement.lang = language;
});
if (typeof document !== "undefined") document.documentElement.lang = i18n.language;

export default i18n;
