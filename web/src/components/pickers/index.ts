// Pickers of what the company has (users, titles, tags, stages, records, durations), shared by
// the blueprint inputs form and the workflow editor's SchemaForm.
export { DurationPicker } from "./DurationPicker";
export { EmailInput } from "./EmailInput";
export { RecordPicker, type RecordKind } from "./RecordPicker";
export { recipientProblem, recipientProblems, splitRecipients } from "./recipients";
export { CheckboxGroup, StagePicker } from "./StagePicker";
export { a11y, type Choices, type Json, type PickerProps, type PickerSpec } from "./types";
export { useChoices } from "./useChoices";
export { SuggestInput, TagPicker, TitlePicker, UserPicker, type UserValue } from "./UserPicker";
