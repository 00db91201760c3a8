// PLACEHOLDER: replaced by the page's implementation.
export default function ExecutionPage() {
  return <h1>ExecutionPage</h1>;
}
