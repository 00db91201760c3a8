// PLACEHOLDER: replaced by the page's implementation.
export default function ApprovalsPage() {
  return <h1>ApprovalsPage</h1>;
}
