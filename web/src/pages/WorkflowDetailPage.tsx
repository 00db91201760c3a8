// PLACEHOLDER: replaced by the page's implementation.
export default function WorkflowDetailPage() {
  return <h1>WorkflowDetailPage</h1>;
}
