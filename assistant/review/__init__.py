"""Contract review: clauses, the digital-replica playbook, detection, findings and the report."""
