"""Staff case pages: the objection (异议) and credit repair (信用修复) queues of the credit
office and the deciding departments' data officers."""
