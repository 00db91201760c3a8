// /suggestions (the inbox) and /suggestions/{id} (one suggestion): improvements mined from history.
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";
import { SuggestionDetail } from "./SuggestionDetail";
import { SuggestionInbox } from "./SuggestionInbox";
import "./suggestions.css";

export default function SuggestionsPage() {
  const { t } = useTranslation("suggestions");
  const { suggestionId } = useParams();
  const id = Number(suggestionId);
  if (suggestionId === undefined) return <SuggestionInbox />;
  if (!Number.isInteger(id) || id < 1) return <p role="alert">{t("notFound", { id: suggestionId })}</p>;
  return <SuggestionDetail key={id} id={id} />;
}
