"""crmflow: workflow automation for a CRM."""

__version__ = "0.1.0"
