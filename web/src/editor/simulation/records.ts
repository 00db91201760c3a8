// Finding a CRM record by name: shared with the record pickers (components/pickers/records.ts).
export { findRecords, searchable, type RecordOption } from "../../components/pickers/records";
