// Find words a person would read that are written into a component instead of a catalogue:
// JSX text, and string values of the attributes people read (aria-label, title, placeholder, alt).
import ts from "typescript";

const READ_ATTRIBUTES = new Set(["aria-label", "title", "placeholder", "alt", "aria-description"]);
// Text with a letter in it; "—", "·", "%" and numbers alone are not words.
const WORDY = /\p{L}{2,}/u;

export interface Hardcoded {
  line: number;
  text: string;
}

/** The hard-coded texts of one .tsx source. */
export function findHardcoded(fileName: string, source: string): Hardcoded[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: Hardcoded[] = [];
  const add = (node: ts.Node, text: string) => {
    const trimmed = text.replace(/\s+/g, " ").trim();
    if (WORDY.test(trimmed)) {
      found.push({ line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: trimmed });
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) add(node, node.text);
    else if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText(file))) {
      const value = node.initializer;
      if (value && ts.isStringLiteral(value)) add(value, value.text);
      else if (value && ts.isJsxExpression(value) && value.expression && ts.isStringLiteral(value.expression)) {
        add(value, value.expression.text);
      }
    } else if (ts.isJsxExpression(node) && node.parent && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      const inner = node.expression;
      if (inner && (ts.isStringLiteral(inner) || ts.isNoSubstitutionTemplateLiteral(inner))) add(node, inner.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
