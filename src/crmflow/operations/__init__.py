"""The operations view: runs, failures, slow workflows and SLOs across a company's workflows."""
