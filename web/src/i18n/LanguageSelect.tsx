// The interface language: English, French, or the browser's; saved for the user when signed in.
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { followBrowser, LANGUAGES, setLanguage, type Language } from "./index";
import "./language.css";

/** A select of the languages; `signedIn` also saves the choice on the server (every device). */
export function LanguageSelect({ signedIn }: { signedIn: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const choose = (value: string) => {
    const language = value === "browser" ? followBrowser() : (value as Language);
    if (value !== "browser") setLanguage(language);
    if (signedIn) {
      // The choice already applies here; saving it only carries it to other devices.
      void api.PATCH("/api/v1/users/me/preferences", { body: { locale: value === "browser" ? null : language } });
    }
  };
  return (
    <span className="language-select">
      <label htmlFor={id} className="visually-hidden">
        {t("language.label")}
      </label>
      <select id={id} value={i18n.language} onChange={(e) => choose(e.target.value)}>
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {t(`language.${language}`)}
          </option>
        ))}
        <option value="browser">{t("language.browser")}</option>
      </select>
    </span>
  );
}
