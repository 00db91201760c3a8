// PLACEHOLDER: replaced by the page's implementation.
export default function WorkflowsPage() {
  return <h1>WorkflowsPage</h1>;
}
