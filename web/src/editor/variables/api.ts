// The template preview endpoint (POST /api/v1/workflows/template-preview), through the app's client.
import { api, unwrap } from "../../api/client";
import type { Json } from "../types";

export interface PreviewRequest {
  template: string;
  trigger_type?: string | null;
  record_type?: string | null;
  record_id?: number | null;
}

export interface PreviewResult {
  rendered: Json;
  truncated: boolean;
  record_type: string | null;
  record_id: number | null;
  sample: boolean;
  language: string;
  variables_used: string[];
  errors: { path: string; message: string }[];
}

// The generated API types (src/api/schema.d.ts) predate this endpoint: call it untyped until
// they are regenerated (`npm run gen`).
type UntypedPost = (path: string, init: { body: unknown; signal?: AbortSignal }) =>
  Promise<{ data?: PreviewResult; error?: unknown; response: Response }>;

export function previewTemplate(body: PreviewRequest, signal?: AbortSignal): Promise<PreviewResult> {
  const post = api.POST as unknown as UntypedPost;
  return unwrap(post("/api/v1/workflows/template-preview", { body, signal }));
}
