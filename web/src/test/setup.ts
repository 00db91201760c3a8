import "@testing-library/jest-dom/vitest";
import i18n from "../i18n";

// Component tests read the English texts.
void i18n.changeLanguage("en");
