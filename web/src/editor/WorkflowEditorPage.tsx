// PLACEHOLDER: replaced by the editor's implementation.
export default function WorkflowEditorPage() {
  return <h1>Workflow editor</h1>;
}
