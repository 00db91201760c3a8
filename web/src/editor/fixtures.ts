// Test fixtures: an editor schema and catalog entries as the API returns them (trimmed).
import type { CatalogEntry, EditorSchema } from "./types";

export const EDITOR_SCHEMA = {
 "triggers": [
  {
   "type": "organisation_created",
   "label": "Organisation created",
   "description": "An organisation is created.",
   "entity_type": "organisation",
   "config_fields": []
  },
  {
   "type": "inactivity_delay",
   "label": "Inactivity delay",
   "description": "A record has had no activity for a number of days.",
   "entity_type": "organisation",
   "config_fields": [
    {
     "name": "entity_type",
     "label": "Entity type",
     "type": "enum",
     "required": false,
     "options": [
      "organisation",
      "deal",
      "contact"
     ],
     "default": "organisation",
     "description": "which records to watch"
    },
    {
     "name": "days",
     "label": "Days",
     "type": "number",
     "required": false,
     "options": null,
     "default": 30,
     "description": "days without any activity"
    }
   ]
  },
  {
   "type": "manual",
   "label": "Manual",
   "description": "Someone runs the workflow by hand.",
   "entity_type": null,
   "config_fields": []
  }
 ],
 "entities": {
  "organisation": [
   {
    "path": "organisation.name",
    "label": "Name",
    "type": "string",
    "options": null
   },
   {
    "path": "organisation.potential_amount",
    "label": "Potential amount",
    "type": "number",
    "options": null
   },
   {
    "path": "organisation.category",
    "label": "Category",
    "type": "enum",
    "options": [
     "institutional",
     "corporate",
     "smb"
    ]
   },
   {
    "path": "organisation.created_at",
    "label": "Created at",
    "type": "datetime",
    "options": null
   }
  ]
 },
 "trigger_entities": {
  "organisation_created": [
   "organisation"
  ],
  "inactivity_delay": [
   "organisation"
  ],
  "manual": [
   "organisation"
  ]
 },
 "trigger_fields": [
  {
   "path": "trigger.changes.stage",
   "label": "Stage change [old, new]",
   "type": "list",
   "options": null
  }
 ],
 "operators": [
  {
   "value": "==",
   "label": "equals",
   "types": [
    "string",
    "number",
    "date",
    "datetime",
    "boolean",
    "enum",
    "user",
    "reference"
   ],
   "arity": 1,
   "multiple": false
  },
  {
   "value": "!=",
   "label": "does not equal",
   "types": [
    "string",
    "number",
    "date",
    "datetime",
    "boolean",
    "enum",
    "user",
    "reference"
   ],
   "arity": 1,
   "multiple": false
  },
  {
   "value": ">",
   "label": "is greater than",
   "types": [
    "number",
    "date",
    "datetime",
    "string"
   ],
   "arity": 1,
   "multiple": false
  },
  {
   "value": "<",
   "label": "is less than",
   "types": [
    "number",
    "date",
    "datetime",
    "string"
   ],
   "arity": 1,
   "multiple": false
  },
  {
   "value": "contains",
   "label": "contains",
   "types": [
    "string",
    "list"
   ],
   "arity": 1,
   "multiple": false
  },
  {
   "value": "in",
   "label": "is one of",
   "types": [
    "string",
    "number",
    "date",
    "datetime",
    "boolean",
    "enum",
    "list",
    "user",
    "reference"
   ],
   "arity": 1,
   "multiple": true
  },
  {
   "value": "starts_with",
   "label": "starts with",
   "types": [
    "string",
    "enum"
   ],
   "arity": 1,
   "multiple": false
  },
  {
   "value": "is_empty",
   "label": "is empty",
   "types": [
    "string",
    "number",
    "date",
    "datetime",
    "boolean",
    "enum",
    "list",
    "json",
    "user",
    "reference"
   ],
   "arity": 0,
   "multiple": false
  },
  {
   "value": "between",
   "label": "is between",
   "types": [
    "number",
    "date",
    "datetime"
   ],
   "arity": 2,
   "multiple": false
  },
  {
   "value": "changed",
   "label": "changed",
   "types": [
    "string",
    "number",
    "date",
    "datetime",
    "boolean",
    "enum",
    "list",
    "json",
    "user",
    "reference"
   ],
   "arity": 0,
   "multiple": false
  }
 ],
 "step_types": [
  {
   "type": "branch",
   "label": "Branch (if / else)",
   "description": "If / else."
  },
  {
   "type": "parallel",
   "label": "Parallel paths",
   "description": "Run several paths."
  },
  {
   "type": "delay",
   "label": "Delay",
   "description": "Wait."
  },
  {
   "type": "approval",
   "label": "Approval",
   "description": "Ask people to approve."
  },
  {
   "type": "stop",
   "label": "Stop",
   "description": "End the execution here."
  }
 ]
} as unknown as EditorSchema;

export const CATALOG = [
 {
  "id": null,
  "name": "Create task",
  "action_type": "create_task",
  "description": "Create a task, optionally due in N days and assigned by id, email or title.",
  "is_builtin": true,
  "is_idempotent": true,
  "latency_class": "instant",
  "side_effects": [
   "task_created"
  ],
  "supports_dry_run": true,
  "input_schema": {
   "additionalProperties": false,
   "properties": {
    "title": {
     "maxLength": 500,
     "minLength": 1,
     "title": "Title",
     "type": "string",
     "description": "task title"
    },
    "description": {
     "default": "",
     "title": "Description",
     "type": "string"
    },
    "due_date": {
     "anyOf": [
      {
       "format": "date-time",
       "type": "string"
      },
      {
       "type": "string"
      },
      {
       "type": "null"
      }
     ],
     "default": null,
     "title": "Due date",
     "description": "ISO 8601 or relative (`+3 days`, `tomorrow`); null: no due date"
    },
    "assignee": {
     "anyOf": [
      {
       "type": "integer"
      },
      {
       "type": "string"
      },
      {
       "items": {
        "anyOf": [
         {
          "type": "integer"
         },
         {
          "type": "string"
         }
        ]
       },
       "type": "array"
      },
      {
       "type": "null"
      }
     ],
     "default": "owner",
     "title": "Assignee",
     "description": "user id, email, `owner`, `manager`, `title:x` or `role:x`; the first match"
    },
    "priority": {
     "default": "normal",
     "enum": [
      "low",
      "normal",
      "high",
      "urgent"
     ],
     "title": "Priority",
     "type": "string"
    },
    "related_to_trigger": {
     "default": true,
     "title": "Related to trigger",
     "type": "boolean",
     "description": "link the task to the trigger record"
    }
   },
   "required": [
    "title"
   ],
   "title": "CreateTaskConfig",
   "type": "object"
  },
  "output_schema": {
   "properties": {
    "task_id": {
     "description": "the task (the same one when the step is replayed)",
     "title": "Task ID",
     "type": "integer"
    },
    "title": {
     "description": "its title",
     "title": "Title",
     "type": "string"
    },
    "assignee_id": {
     "anyOf": [
      {
       "type": "integer"
      },
      {
       "type": "null"
      }
     ],
     "description": "the resolved assignee",
     "title": "Assignee ID"
    },
    "due_date": {
     "anyOf": [
      {
       "type": "string"
      },
      {
       "type": "null"
      }
     ],
     "description": "its due date (ISO 8601, UTC)",
     "title": "Due date"
    }
   },
   "required": [
    "task_id",
    "title",
    "assignee_id",
    "due_date"
   ],
   "title": "CreateTaskOutput",
   "type": "object"
  },
  "example": {
   "title": "Call {{ organisation.name }}",
   "due_date": "+3 days",
   "priority": "high"
  },
  "config": null,
  "execution_count": 7,
  "success_rate": 100.0,
  "avg_execution_time_ms": 0.145,
  "p95_execution_time_ms": 0.359,
  "stats_window_days": 30,
  "created_at": null,
  "updated_at": null
 },
 {
  "id": null,
  "name": "Send email",
  "action_type": "send_email",
  "description": "Send an email (recipients by address, id, title or role) over SMTP; the step waits for the server's answer.",
  "is_builtin": true,
  "is_idempotent": true,
  "latency_class": "medium",
  "side_effects": [
   "email_sent"
  ],
  "supports_dry_run": true,
  "input_schema": {
   "additionalProperties": false,
   "properties": {
    "to": {
     "anyOf": [
      {
       "type": "integer"
      },
      {
       "type": "string"
      },
      {
       "items": {
        "anyOf": [
         {
          "type": "integer"
         },
         {
          "type": "string"
         }
        ]
       },
       "type": "array"
      }
     ],
     "title": "To",
     "description": "recipients: addresses, user id, email, `owner`, `manager`, `title:x` or `role:x`, or a list"
    },
    "cc": {
     "items": {
      "type": "string"
     },
     "title": "Cc",
     "type": "array",
     "description": "addresses or user references"
    },
    "subject": {
     "maxLength": 998,
     "minLength": 1,
     "title": "Subject",
     "type": "string"
    },
    "body": {
     "default": "",
     "title": "Body",
     "type": "string",
     "description": "plain text"
    },
    "html_body": {
     "anyOf": [
      {
       "type": "string"
      },
      {
       "type": "null"
      }
     ],
     "default": null,
     "title": "HTML body",
     "description": "an HTML alternative"
    }
   },
   "required": [
    "to",
    "subject"
   ],
   "title": "SendEmailConfig",
   "type": "object"
  },
  "output_schema": {
   "properties": {
    "email_id": {
     "description": "the email (the same one when the step is replayed)",
     "title": "Email ID",
     "type": "integer"
    },
    "to": {
     "description": "the resolved addresses",
     "items": {
      "type": "string"
     },
     "title": "To",
     "type": "array"
    },
    "status": {
     "description": "`queued` (no SMTP server) or `sent`",
     "enum": [
      "queued",
      "sent"
     ],
     "title": "Status",
     "type": "string"
    },
    "message": {
     "anyOf": [
      {
       "type": "string"
      },
      {
       "type": "null"
      }
     ],
     "default": null,
     "description": "why a queued email was not sent",
     "title": "Message"
    },
    "message_id": {
     "anyOf": [
      {
       "type": "string"
      },
      {
       "type": "null"
      }
     ],
     "default": null,
     "description": "the SMTP Message-ID, once sent",
     "title": "Message ID"
    },
    "sent_at": {
     "anyOf": [
      {
       "type": "string"
      },
      {
       "type": "null"
      }
     ],
     "default": null,
     "description": "when the server accepted it (ISO 8601)",
     "title": "Sent at"
    }
   },
   "required": [
    "email_id",
    "to",
    "status"
   ],
   "title": "SendEmailOutput",
   "type": "object"
  },
  "example": {
   "to": "owner",
   "subject": "Welcome {{ organisation.name }}",
   "body": "{{ organisation.name }} signed up today."
  },
  "config": null,
  "execution_count": 7,
  "success_rate": 100.0,
  "avg_execution_time_ms": 0.16,
  "p95_execution_time_ms": 0.479,
  "stats_window_days": 30,
  "created_at": null,
  "updated_at": null
 }
] as unknown as CatalogEntry[];
